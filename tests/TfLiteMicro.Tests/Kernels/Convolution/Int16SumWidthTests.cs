using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// The int16 reference convolutions sum in int32 when a channel's sum cannot leave it (at most
/// <see cref="Int16Int32Convolution{TBias}.MaxProducts"/> products). Channels of that many products and one more, every
/// product at the largest magnitude int16 x int8 reaches (+2^22 and -(2^22 - 128)), must give what a plain int64 sum
/// gives; with an int32 bias TFLM's sums are int32 and wrap, and so must ours.
/// </summary>
public class Int16SumWidthTests
{
    private const float InputScale = 1f / 1024, FilterScale = 1f / 4096; // 2^-22 together: the output is the sum / 2^22.

    public static TheoryData<BuiltinOperator, TensorType, int, bool, bool> Cases()
    {
        var data = new TheoryData<BuiltinOperator, TensorType, int, bool, bool>();
        (BuiltinOperator, TensorType)[] kernels =
            [(BuiltinOperator.Conv2D, TensorType.Int64), (BuiltinOperator.Conv2D, TensorType.Int32), (BuiltinOperator.DepthwiseConv2D, TensorType.Int64)];
        foreach ((BuiltinOperator op, TensorType biasType) in kernels)
        foreach (int products in new[] { 9, 510, Int16Int32Convolution<long>.MaxProducts, Int16Int32Convolution<long>.MaxProducts + 1, 513, 1024 })
        foreach (bool positive in new[] { true, false })
        foreach (bool reference in new[] { true, false })
            data.Add(op, biasType, products, positive, reference);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SumMatchesInt64OrWrapsInInt32AsTflm(BuiltinOperator op, TensorType biasType, int products, bool positive, bool reference)
    {
        (short x, sbyte w) = Extremes(positive);
        long sum = (long)products * (x * w);
        short result = RunOne(op, biasType, products, x, w, reference);
        Assert.Equal(Expected(biasType == TensorType.Int32 ? unchecked((int)sum) : sum), result);
    }

    /// <summary>The input and weight whose product is the largest positive (2^22) or negative (-(2^22 - 128)) there is.</summary>
    private static (short X, sbyte W) Extremes(bool positive) => positive ? (short.MinValue, sbyte.MinValue) : (short.MaxValue, sbyte.MinValue);

    /// <summary>sum / 2^22, rounded: every sum here lies within 0.02 of a whole number, so any rounding rule agrees.</summary>
    private static short Expected(long sum) => (short)Math.Round(sum / 4194304.0);

    /// <summary>
    /// One output value over <paramref name="products"/> products: a 1x1 CONV_2D of that depth, or a 1 x products
    /// DEPTHWISE_CONV_2D window over one channel.
    /// </summary>
    private static short RunOne(BuiltinOperator op, TensorType biasType, int products, short x, sbyte w, bool reference)
    {
        bool conv = op == BuiltinOperator.Conv2D;
        int[] inputShape = conv ? [1, 1, 1, products] : [1, 1, products, 1];
        int[] filterShape = conv ? [1, 1, 1, products] : [1, 1, products, 1];
        var m = new OperatorModel();
        int input = m.Input(TensorType.Int16, inputShape, Quant.PerTensor(InputScale));
        int filter = m.Constant(TensorType.Int8, filterShape, Enumerable.Repeat(w, products).ToArray(), Quant.PerChannel([FilterScale], conv ? 0 : 3));
        QuantizationParameters biasQuantization = Quant.PerChannel([InputScale * FilterScale], 0);
        int bias = biasType == TensorType.Int64
            ? m.Constant(TensorType.Int64, [1], new long[1], biasQuantization)
            : m.Constant(TensorType.Int32, [1], new int[1], biasQuantization);
        m.Output(TensorType.Int16, [1, 1, 1, 1], Quant.PerTensor(1f));
        byte[] model = m.Build(op, [input, filter, bias], conv
            ? OperatorOptions.Conv2D(PaddingKind.Valid, 1, 1)
            : OperatorOptions.DepthwiseConv2D(PaddingKind.Valid, 1, 1, 1));

        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 16),
            new InterpreterOptions { UseReferenceKernels = reference });
        interpreter.AllocateTensors();
        interpreter.Input(0).CopyFrom(Bytes(Enumerable.Repeat(x, products).ToArray()));
        interpreter.Invoke();
        return interpreter.Output(0).AsReadOnlySpan<short>()[0];
    }
}
