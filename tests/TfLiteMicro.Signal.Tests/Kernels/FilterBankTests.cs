namespace TfLiteMicro.Signal.Tests.Kernels;

public class FilterBankTests
{
    [Theory]
    [InlineData("FilterBankTest32Channel")]
    [InlineData("FilterBankTest16Channel")]
    public void MatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("FilterBankTest", name);
        var op = SingleOp.Create("SignalFilterBank", t.Options,
            [
                (TensorType.UInt32, t.Shape("input1_shape")),
                (TensorType.Int16, t.Shape("input2_shape")),
                (TensorType.Int16, t.Shape("input3_shape")),
                (TensorType.Int16, t.Shape("input4_shape")),
                (TensorType.Int16, t.Shape("input5_shape")),
                (TensorType.Int16, t.Shape("input6_shape")),
            ],
            [(TensorType.UInt64, t.Shape("output_shape"))]);
        op.SetInput<uint>(0, t.Array("input1"));
        for (int i = 2; i <= 6; i++) op.SetInput<short>(i - 1, t.Array($"input{i}"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<ulong>(t.Array("golden")), op.Output<ulong>(0));
    }

    [Theory]
    [InlineData("FilterBankSquareRoot32Channel")]
    [InlineData("FilterBankSquareRoot16Channel")]
    public void SquareRootMatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("FilterBankSquareRootTest", name);
        var op = SingleOp.Create("SignalFilterBankSquareRoot", [],
            [(TensorType.UInt64, t.Shape("input1_shape")), (TensorType.Int32, t.Shape("input2_shape"))],
            [(TensorType.UInt32, t.Shape("output_shape"))]);
        op.SetInput<ulong>(0, t.Array("input1"));
        op.SetInput<int>(1, t.Array("input2"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<uint>(t.Array("golden")), op.Output<uint>(0));
    }

    [Theory]
    [InlineData("FilterBankLogTest32Channel")]
    [InlineData("FilterBankLogTest16Channel")]
    public void LogMatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("FilterBankLogTest", name);
        var op = SingleOp.Create("SignalFilterBankLog", t.Options,
            [(TensorType.UInt32, t.Shape("input_shape"))], [(TensorType.Int16, t.Shape("output_shape"))]);
        op.SetInput<uint>(0, t.Array("input"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<short>(t.Array("golden")), op.Output<short>(0));
    }

    [Theory]
    [InlineData("FilterBankSpectralSubtractionTest32Channel", false)]
    [InlineData("FilterBankSpectralSubtractionTest16Channel", false)]
    [InlineData("FilterBankSpectralSubtractionTest32ChannelReset", true)]
    [InlineData("FilterBankSpectralSubtractionTest16ChannelReset", true)]
    public void SpectralSubtractionMatchesTflm(string name, bool reset)
    {
        TflmTest t = TflmVectors.Test("FilterBankSpectralSubtractionTest", name);
        int[] outputShape = t.Shape("output_shape");
        var op = SingleOp.Create("SignalFilterBankSpectralSubtraction", t.Options,
            [(TensorType.UInt32, t.Shape("input_shape"))], [(TensorType.UInt32, outputShape), (TensorType.UInt32, outputShape)]);
        for (int pass = 0; pass < (reset ? 2 : 1); pass++)
        {
            if (pass == 1) op.Interpreter.Reset();
            op.SetInput<uint>(0, t.Array("input"));
            op.Invoke();
            Assert.Equal(SingleOp.ToArray<uint>(t.Array("golden1")), op.Output<uint>(0));
            Assert.Equal(SingleOp.ToArray<uint>(t.Array("golden2")), op.Output<uint>(1));
        }
    }

    [Fact]
    public void PcanMatchesTflm()
    {
        TflmTest t = TflmVectors.Test("PcanTest", "Mix1Ref1Case");
        var op = SingleOp.Create("SignalPCAN", t.Options,
            [
                (TensorType.UInt32, t.Shape("input_shape")),
                (TensorType.UInt32, t.Shape("noise_estimate_shape")),
                (TensorType.Int16, t.Shape("gain_lut_shape")),
            ],
            [(TensorType.UInt32, t.Shape("output_shape"))]);
        op.SetInput<uint>(0, t.Array("input"));
        op.SetInput<uint>(1, t.Array("noise_estimate"));
        op.SetInput<short>(2, t.Array("gain_lut"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<uint>(t.Array("golden")), op.Output<uint>(0));
    }
}
