namespace TfLiteMicro.Signal;

/// <summary>
/// Registers TFLM's signal-library custom ops under the names TFLM's converter gives them: one method per op, each
/// naming only its kernel (so a trimmed or NativeAOT program keeps only the kernels it registers), or all of them with
/// <see cref="AddSignalOps"/>.
/// </summary>
public static class SignalOps
{
    /// <summary>Every signal op: the audio front end and the framing, stacking, delay and overlap-add ops.</summary>
    public static OpResolver AddSignalOps(this OpResolver resolver)
        => Checked(resolver)
            .AddSignalWindow()
            .AddSignalFftAutoScale()
            .AddSignalRfft()
            .AddSignalIrfft()
            .AddSignalEnergy()
            .AddSignalFilterBank()
            .AddSignalFilterBankSquareRoot()
            .AddSignalFilterBankSpectralSubtraction()
            .AddSignalPCAN()
            .AddSignalFilterBankLog()
            .AddSignalFramer()
            .AddSignalStacker()
            .AddSignalDelay()
            .AddSignalOverlapAdd();

    /// <summary>Registers SignalWindow (multiplies each frame by a window).</summary>
    public static OpResolver AddSignalWindow(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalWindow", static () => new SignalWindow());

    /// <summary>Registers SignalFftAutoScale (scales a frame up to use the full int16 range before the FFT).</summary>
    public static OpResolver AddSignalFftAutoScale(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFftAutoScale", static () => new SignalFftAutoScale());

    /// <summary>Registers SignalRfft (real FFT).</summary>
    public static OpResolver AddSignalRfft(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalRfft", static () => new SignalRfft());

    /// <summary>Registers SignalIrfft (inverse real FFT).</summary>
    public static OpResolver AddSignalIrfft(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalIrfft", static () => new SignalIrfft());

    /// <summary>Registers SignalEnergy (squared magnitude of each FFT bin).</summary>
    public static OpResolver AddSignalEnergy(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalEnergy", static () => new SignalEnergy());

    /// <summary>Registers SignalFilterBank (mel filter bank).</summary>
    public static OpResolver AddSignalFilterBank(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFilterBank", static () => new SignalFilterBank());

    /// <summary>Registers SignalFilterBankSquareRoot (square root of the filter bank outputs).</summary>
    public static OpResolver AddSignalFilterBankSquareRoot(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFilterBankSquareRoot", static () => new SignalFilterBankSquareRoot());

    /// <summary>Registers SignalFilterBankSpectralSubtraction (noise estimate and spectral subtraction (stateful)).</summary>
    public static OpResolver AddSignalFilterBankSpectralSubtraction(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFilterBankSpectralSubtraction", static () => new SignalFilterBankSpectralSubtraction());

    /// <summary>Registers SignalPCAN (per-channel amplitude normalisation).</summary>
    public static OpResolver AddSignalPCAN(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalPCAN", static () => new SignalPCAN());

    /// <summary>Registers SignalFilterBankLog (log of the filter bank outputs).</summary>
    public static OpResolver AddSignalFilterBankLog(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFilterBankLog", static () => new SignalFilterBankLog());

    /// <summary>Registers SignalFramer (overlapping frames from a stream (stateful)).</summary>
    public static OpResolver AddSignalFramer(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalFramer", static () => new SignalFramer());

    /// <summary>Registers SignalStacker (stacks consecutive frames (stateful)).</summary>
    public static OpResolver AddSignalStacker(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalStacker", static () => new SignalStacker());

    /// <summary>Registers SignalDelay (delays a stream by a number of frames (stateful)).</summary>
    public static OpResolver AddSignalDelay(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalDelay", static () => new SignalDelay());

    /// <summary>Registers SignalOverlapAdd (overlap-add of frames into a stream (stateful)).</summary>
    public static OpResolver AddSignalOverlapAdd(this OpResolver resolver)
        => Checked(resolver).AddCustom("SignalOverlapAdd", static () => new SignalOverlapAdd());

    private static OpResolver Checked(OpResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver;
    }
}
