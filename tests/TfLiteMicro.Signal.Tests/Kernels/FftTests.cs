namespace TfLiteMicro.Signal.Tests.Kernels;

public class FftTests
{
    [Theory]
    [InlineData("RfftTestSize64Float")]
    [InlineData("RfftTestSize64Int16")]
    [InlineData("RfftTestSize64Int32")]
    [InlineData("RfftTestSize64Int32OuterDims4")]
    [InlineData("RfftTestSize512Float")]
    [InlineData("RfftTestSize512Int16")]
    [InlineData("RfftTestSize512Int32")]
    [InlineData("IrfftTestLength64Float")]
    [InlineData("IrfftTestLength64Int16")]
    [InlineData("IrfftTestLength64Int32")]
    [InlineData("IrfftTestLength64Int32OuterDims4")]
    [InlineData("IrfftTestLength512Float")]
    [InlineData("IrfftTestLength512Int16")]
    [InlineData("IrfftTestLength512Int32")]
    public void MatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("FftTest", name);
        string op = name.StartsWith("Irfft", StringComparison.Ordinal) ? "SignalIrfft" : "SignalRfft";
        double[] input = t.HasArray("input") ? t.Array("input") : t.Data(Array.FindIndex(t.DataNames, n => n.EndsWith("Input", StringComparison.Ordinal)));
        double[] golden = t.HasArray("golden") ? t.Array("golden") : t.Data(Array.FindIndex(t.DataNames, n => n.EndsWith("Golden", StringComparison.Ordinal)));
        if (name.Contains("Float", StringComparison.Ordinal))
            Run<float>(op, TensorType.Float32, t, input, golden);
        else if (name.Contains("Int16", StringComparison.Ordinal))
            Run<short>(op, TensorType.Int16, t, input, golden);
        else
            Run<int>(op, TensorType.Int32, t, input, golden);
    }

    private static void Run<T>(string opName, TensorType type, TflmTest t, double[] input, double[] golden) where T : unmanaged
    {
        var op = SingleOp.Create(opName, t.Options, [(type, t.Shape("input_shape"))], [(type, t.Shape("output_shape"))]);
        op.SetInput<T>(0, input);
        op.Invoke();
        T[] actual = op.Output<T>(0);
        Assert.Equal(golden.Length, actual.Length);
        double tolerance = t.Tolerance;
        for (int i = 0; i < golden.Length; i++)
        {
            double a = System.Convert.ToDouble(actual[i]);
            Assert.True(Math.Abs(a - golden[i]) <= tolerance, $"element {i}: expected {golden[i]}, got {a} (tolerance {tolerance})");
        }
    }

    [Theory]
    [InlineData("RfftTestSize64Int16", 4)]
    [InlineData("RfftTestSize64Int32", 8)]
    [InlineData("IrfftTestLength64Float", 8)]
    public void TwiddlesAndFactorsAreCountedInTheArena(string name, int complexBytes)
    {
        TflmTest t = TflmVectors.Test("FftTest", name);
        TensorType type = complexBytes == 4 ? TensorType.Int16 : name.Contains("Float", StringComparison.Ordinal) ? TensorType.Float32 : TensorType.Int32;
        var op = SingleOp.Create(name.StartsWith("Irfft", StringComparison.Ordinal) ? "SignalIrfft" : "SignalRfft", t.Options,
            [(type, t.Shape("input_shape"))], [(type, t.Shape("output_shape"))]);
        // 32 twiddles of the 32-point complex FFT, 16 of the real post-processing, and the factors of 32 (4, 8, 4, 2, 2, 1).
        Assert.True(op.Interpreter.ArenaUsage.PersistentBytes >= (32 + 16) * complexBytes + 6 * sizeof(int),
            $"persistent bytes {op.Interpreter.ArenaUsage.PersistentBytes}");
    }

    [Theory]
    [InlineData("FftAutoScaleTestSmall")]
    [InlineData("FftAutoScaleTestScaleBit")]
    [InlineData("FftAutoScaleTestLarge")]
    public void AutoScaleMatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("FftTest", name);
        double[] input = t.HasArray("input") ? t.Array("input") : t.Data(Array.FindIndex(t.DataNames, n => n.EndsWith("Input", StringComparison.Ordinal)));
        double[] golden = t.HasArray("golden") ? t.Array("golden") : t.Data(Array.FindIndex(t.DataNames, n => n.EndsWith("Golden", StringComparison.Ordinal)));
        int[] shape = t.Shape("shape");
        var op = SingleOp.Create("SignalFftAutoScale", [], [(TensorType.Int16, shape)], [(TensorType.Int16, shape), (TensorType.Int32, [])]);
        op.SetInput<short>(0, input);
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<short>(golden), op.Output<short>(0));
        Assert.Equal(t.ScaleBitGolden, op.Output<int>(1)[0]);
    }
}
