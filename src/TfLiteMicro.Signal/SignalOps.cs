using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal;

/// <summary>Registers TFLM's signal-library custom ops under the names TFLM's converter gives them.</summary>
public static class SignalOps
{
    /// <summary>Every signal op: the audio front end and the framing, stacking, delay and overlap-add ops.</summary>
    public static OpResolver AddSignalOps(this OpResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver
            .AddCustom("SignalWindow", static () => new SignalWindow())
            .AddCustom("SignalFftAutoScale", static () => new SignalFftAutoScale())
            .AddCustom("SignalRfft", static () => new SignalRfft())
            .AddCustom("SignalIrfft", static () => new SignalIrfft())
            .AddCustom("SignalEnergy", static () => new SignalEnergy())
            .AddCustom("SignalFilterBank", static () => new SignalFilterBank())
            .AddCustom("SignalFilterBankSquareRoot", static () => new SignalFilterBankSquareRoot())
            .AddCustom("SignalFilterBankSpectralSubtraction", static () => new SignalFilterBankSpectralSubtraction())
            .AddCustom("SignalPCAN", static () => new SignalPCAN())
            .AddCustom("SignalFilterBankLog", static () => new SignalFilterBankLog())
            .AddCustom("SignalFramer", static () => new SignalFramer())
            .AddCustom("SignalStacker", static () => new SignalStacker())
            .AddCustom("SignalDelay", static () => new SignalDelay())
            .AddCustom("SignalOverlapAdd", static () => new SignalOverlapAdd());
    }
}
