using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal.Tests.Kernels;

/// <summary>Hostile or inconsistent models are rejected in AllocateTensors with messages that name the problem.</summary>
public class ValidationTests
{
    private static TfLiteMicroException Rejects(string op, byte[] options, (TensorType, int[])[] inputs, (TensorType, int[])[] outputs)
        => Assert.ThrowsAny<TfLiteMicroException>(() => SingleOp.Create(op, options, inputs, outputs));

    [Fact]
    public void MissingOptionsAreNamed()
    {
        TfLiteMicroException e = Rejects("SignalWindow", [], [(TensorType.Int16, [16]), (TensorType.Int16, [16])], [(TensorType.Int16, [16])]);
        Assert.Contains("custom options", e.Message);
        // Options of another op: the key the window needs is missing.
        byte[] energyOptions = TflmVectors.Test("EnergyTest", "EnergyTestStart").Options;
        e = Rejects("SignalWindow", energyOptions, [(TensorType.Int16, [16]), (TensorType.Int16, [16])], [(TensorType.Int16, [16])]);
        Assert.IsType<InvalidModelException>(e);
        Assert.Contains("shift", e.Message);
    }

    [Fact]
    public void CorruptOptionsAreInvalidModels()
    {
        byte[] options = TflmVectors.Test("WindowTest", "WindowTestLength16Shift12").Options;
        options[^3] = 0x7F; // root offset points before the buffer
        Assert.IsType<InvalidModelException>(Rejects("SignalWindow", options,
            [(TensorType.Int16, [16]), (TensorType.Int16, [16])], [(TensorType.Int16, [16])]));
    }

    [Fact]
    public void BadFftLengthsAndShapesAreRejected()
    {
        byte[] fft64 = TflmVectors.Test("FftTest", "RfftTestSize64Int16").Options;
        // Output rows too short for 33 complex bins.
        Assert.IsType<KernelException>(Rejects("SignalRfft", fft64, [(TensorType.Int16, [64])], [(TensorType.Int16, [64])]));
        // Input rows longer than the FFT.
        Assert.IsType<KernelException>(Rejects("SignalRfft", fft64, [(TensorType.Int16, [65])], [(TensorType.Int16, [66])]));
        // Type differs from option T.
        Assert.IsType<KernelException>(Rejects("SignalRfft", fft64, [(TensorType.Float32, [64])], [(TensorType.Float32, [66])]));
        // Lengths KISS FFT cannot transform: two points (a radix-1 stage) and 14 (radix 7).
        foreach ((byte length, string message) in new[] { ((byte)2, "out of range"), ((byte)14, "radix 7") })
        {
            byte[] options = (byte[])fft64.Clone();
            options[20] = length; // fft_length, stored in one byte in this FlexBuffer
            TfLiteMicroException e = Rejects("SignalRfft", options, [(TensorType.Int16, [length])], [(TensorType.Int16, [length + 2])]);
            Assert.IsType<KernelException>(e);
            Assert.Contains(message, e.Message);
        }
        // Energy bins outside the spectrum.
        byte[] energy48 = TflmVectors.Test("EnergyTest", "EnergyTestEnd").Options;
        Assert.IsType<KernelException>(Rejects("SignalEnergy", energy48, [(TensorType.Int16, [8])], [(TensorType.UInt32, [8])]));
        // Stacker whose output cannot hold a stack.
        byte[] stacker = StreamingOpTests.HandBuiltStackerOptions(channels: 2, left: 1, right: 1, step: 1);
        Assert.IsType<KernelException>(Rejects("SignalStacker", stacker, [(TensorType.Int16, [2])], [(TensorType.Int16, [4]), (TensorType.Bool, [])]));
    }

    [Fact]
    public void FilterBankIndicesFromTheModelAreChecked()
    {
        TflmTest t = TflmVectors.Test("FilterBankTest", "FilterBankTest16Channel");
        var op = SingleOp.Create("SignalFilterBank", t.Options,
            [
                (TensorType.UInt32, t.Shape("input1_shape")), (TensorType.Int16, t.Shape("input2_shape")), (TensorType.Int16, t.Shape("input3_shape")),
                (TensorType.Int16, t.Shape("input4_shape")), (TensorType.Int16, t.Shape("input5_shape")), (TensorType.Int16, t.Shape("input6_shape")),
            ],
            [(TensorType.UInt64, t.Shape("output_shape"))]);
        op.SetInput<uint>(0, t.Array("input1"));
        for (int i = 2; i <= 6; i++) op.SetInput<short>(i - 1, t.Array($"input{i}"));
        op.Interpreter.Input(3).AsSpan<short>()[5] = 30000; // a channel starting far past the spectrum
        KernelException e = Assert.Throws<KernelException>(op.Invoke);
        Assert.Contains("channel 5", e.Message);
    }
}
