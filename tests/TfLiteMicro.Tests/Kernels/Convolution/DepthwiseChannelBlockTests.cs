using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// DEPTHWISE_CONV_2D layers of more than 64 output channels whose depth multiplier does not divide 64, so that a block of
/// channels the reference sums together starts in the middle of an input channel's outputs, in every type. Inputs and
/// weights are small integers and the scales make each output the exact sum, so a plain loop here gives the answer
/// with no rounding to agree on, for the reference and the optimized kernels alike.
/// </summary>
public class DepthwiseChannelBlockTests
{
    public static TheoryData<TensorType, int, int, bool> Cases()
    {
        var data = new TheoryData<TensorType, int, int, bool>();
        foreach (TensorType type in new[] { TensorType.Float32, TensorType.Int16, TensorType.Int8 })
        foreach ((int inDepth, int multiplier) in new[] { (3, 30), (5, 27), (13, 7), (1, 130), (2, 65), (70, 1) })
        foreach (bool reference in new[] { true, false })
            data.Add(type, inDepth, multiplier, reference);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryChannelIsItsOwnWindowSum(TensorType type, int inDepth, int multiplier, bool reference)
    {
        var random = new Random(inDepth * 1000 + multiplier);
        const int height = 5, width = 6, filterHeight = 3, filterWidth = 3, stride = 2;
        int channels = inDepth * multiplier;
        // int8 keeps every sum inside its output range (at most 9 x 3 x 3 + 20 from the zero point); the others reach further.
        int magnitude = type == TensorType.Int8 ? 3 : 9, biasMagnitude = type == TensorType.Int8 ? 20 : 50;
        int[] input = Values(random, height * width * inDepth, magnitude);
        int[] filter = Values(random, filterHeight * filterWidth * channels, magnitude);
        int[] bias = Values(random, channels, biasMagnitude);
        // SAME padding, stride 2: outputs 3 x 3 with the window hanging over the top-left border.
        int outHeight = (height + stride - 1) / stride, outWidth = (width + stride - 1) / stride;
        int padTop = Math.Max(0, ((outHeight - 1) * stride + filterHeight - height) / 2);
        int padLeft = Math.Max(0, ((outWidth - 1) * stride + filterWidth - width) / 2);

        var expected = new int[outHeight * outWidth * channels];
        for (int oy = 0; oy < outHeight; oy++)
        for (int ox = 0; ox < outWidth; ox++)
        for (int c = 0; c < channels; c++)
        {
            int sum = bias[c];
            for (int fy = 0; fy < filterHeight; fy++)
            for (int fx = 0; fx < filterWidth; fx++)
            {
                int y = oy * stride - padTop + fy, x = ox * stride - padLeft + fx;
                if (y < 0 || y >= height || x < 0 || x >= width) continue;
                sum += input[(y * width + x) * inDepth + c / multiplier] * filter[(fy * filterWidth + fx) * channels + c];
            }
            expected[(oy * outWidth + ox) * channels + c] = sum;
        }

        byte[] model = Build(type, multiplier, [1, height, width, inDepth], [1, filterHeight, filterWidth, channels],
            [1, outHeight, outWidth, channels], filter, bias, stride);
        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 18),
            new InterpreterOptions { UseReferenceKernels = reference });
        interpreter.AllocateTensors();
        interpreter.Input(0).CopyFrom(type switch
        {
            TensorType.Float32 => Bytes(input.Select(v => (float)v).ToArray()),
            TensorType.Int16 => Bytes(input.Select(v => (short)v).ToArray()),
            _ => Bytes(input.Select(v => (sbyte)(v + InputZeroPoint)).ToArray()),
        });
        interpreter.Invoke();
        Tensor output = interpreter.Output(0);
        int[] actual = type switch
        {
            TensorType.Float32 => [.. output.AsReadOnlySpan<float>().ToArray().Select(v => (int)v)],
            TensorType.Int16 => [.. output.AsReadOnlySpan<short>().ToArray().Select(v => (int)v)],
            _ => [.. output.AsReadOnlySpan<sbyte>().ToArray().Select(v => v - OutputZeroPoint)],
        };
        if (type == TensorType.Float32)
            Assert.True(output.AsReadOnlySpan<float>().ToArray().Select((v, i) => v == expected[i]).All(same => same), "float outputs are not the exact sums");
        Assert.Equal(expected, actual);
    }

    private const int InputZeroPoint = -3, OutputZeroPoint = 5;

    private static int[] Values(Random random, int count, int magnitude)
    {
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = random.Next(-magnitude, magnitude + 1);
        return values;
    }

    private static byte[] Build(TensorType type, int multiplier, int[] inputShape, int[] filterShape, int[] outputShape,
        int[] filter, int[] bias, int stride)
    {
        int channels = filterShape[3];
        var m = new OperatorModel();
        int inputTensor, filterTensor, biasTensor;
        switch (type)
        {
            case TensorType.Float32:
                inputTensor = m.Input(TensorType.Float32, inputShape);
                filterTensor = m.Constant(TensorType.Float32, filterShape, filter.Select(v => (float)v).ToArray());
                biasTensor = m.Constant(TensorType.Float32, [channels], bias.Select(v => (float)v).ToArray());
                m.Output(TensorType.Float32, outputShape);
                break;
            case TensorType.Int16:
                // Input scale 1/2 and filter scale 1/2 over output scale 1/4: the multiplier is exactly one.
                inputTensor = m.Input(TensorType.Int16, inputShape, Quant.PerTensor(0.5f));
                filterTensor = m.Constant(TensorType.Int8, filterShape, filter.Select(v => (sbyte)v).ToArray(),
                    Quant.PerChannel(Enumerable.Repeat(0.5f, channels).ToArray(), 3));
                biasTensor = m.Constant(TensorType.Int64, [channels], bias.Select(v => (long)v).ToArray(),
                    Quant.PerChannel(Enumerable.Repeat(0.25f, channels).ToArray(), 0));
                m.Output(TensorType.Int16, outputShape, Quant.PerTensor(0.25f));
                break;
            default:
                // As int16, with zero points: each output is its sum plus the output zero point.
                inputTensor = m.Input(TensorType.Int8, inputShape, Quant.PerTensor(0.5f, InputZeroPoint));
                filterTensor = m.Constant(TensorType.Int8, filterShape, filter.Select(v => (sbyte)v).ToArray(),
                    Quant.PerChannel(Enumerable.Repeat(0.5f, channels).ToArray(), 3));
                biasTensor = m.Constant(TensorType.Int32, [channels], bias,
                    Quant.PerChannel(Enumerable.Repeat(0.25f, channels).ToArray(), 0));
                m.Output(TensorType.Int8, outputShape, Quant.PerTensor(0.25f, OutputZeroPoint));
                break;
        }
        return m.Build(BuiltinOperator.DepthwiseConv2D, [inputTensor, filterTensor, biasTensor],
            OperatorOptions.DepthwiseConv2D(PaddingKind.Same, stride, stride, multiplier));
    }
}
