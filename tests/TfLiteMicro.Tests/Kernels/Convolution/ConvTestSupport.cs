using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// Runs single-operator models of the convolution family; quantizes test data the way TFLM's kernel tests do
/// (test_helpers / micro_utils), so their float vectors and tolerances carry over.
/// </summary>
internal static class ConvTestSupport
{
    /// <summary>Runs the model on <paramref name="inputs"/> (one per graph input, in order) and returns output 0.</summary>
    public static T[] Run<T>(byte[] model, params byte[][] inputs) where T : unmanaged
    {
        using MicroInterpreter interpreter = Prepare(model);
        for (int i = 0; i < inputs.Length; i++) interpreter.Input(i).CopyFrom(inputs[i]);
        interpreter.Invoke();
        return interpreter.Output(0).AsReadOnlySpan<T>().ToArray();
    }

    public static MicroInterpreter Prepare(byte[] model)
    {
        var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 20));
        interpreter.AllocateTensors();
        return interpreter;
    }

    public static byte[] Bytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>round(value / scale) + zero point, clamped to the type (TFLM's FloatToQuantizedType).</summary>
    public static int QuantizeValue(float value, float scale, int zeroPoint, int min, int max)
        => (int)Math.Clamp(Math.Round((double)(value / scale), MidpointRounding.AwayFromZero) + zeroPoint, min, max);

    public static sbyte[] QuantizeInt8(float[] values, float scale, int zeroPoint)
        => [.. values.Select(v => (sbyte)QuantizeValue(v, scale, zeroPoint, sbyte.MinValue, sbyte.MaxValue))];

    public static short[] QuantizeInt16(float[] values, float scale, int zeroPoint)
        => [.. values.Select(v => (short)QuantizeValue(v, scale, zeroPoint, short.MinValue, short.MaxValue))];

    /// <summary>
    /// Symmetric per-channel quantization (TFLM's SignedSymmetricPerChannelQuantize): per channel, scale = max |w| / qmax
    /// and q = round(w / scale) clamped to [-qmax, qmax]. Channels run along dimension 0 or 3 of a rank-4 shape.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) QuantizePerChannel(float[] values, int[] shape, int quantizedDimension, int qmax = 127)
    {
        int channels = shape[quantizedDimension];
        int perChannel = values.Length / channels;
        int stride = quantizedDimension == 0 ? 1 : channels;
        int channelStride = quantizedDimension == 0 ? perChannel : 1;
        var q = new sbyte[values.Length];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float min = 0, max = 0;
            for (int i = 0; i < perChannel; i++)
            {
                float v = values[c * channelStride + i * stride];
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
            scales[c] = MathF.Max(MathF.Abs(min), MathF.Abs(max)) / qmax;
            for (int i = 0; i < perChannel; i++)
            {
                int idx = c * channelStride + i * stride;
                int value = (int)MathF.Round(values[idx] / scales[c], MidpointRounding.AwayFromZero);
                q[idx] = (sbyte)Math.Clamp(value, -qmax, qmax);
            }
        }
        return (q, scales);
    }

    /// <summary>Bias quantized per channel with scale input_scale * filter_scale[c] (TFLM's CreatePerChannelQuantizedBiasTensor).</summary>
    public static long[] QuantizeBias(float[] bias, float inputScale, float[] filterScales, long min, long max)
    {
        var q = new long[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            float scale = inputScale * filterScales[filterScales.Length == 1 ? 0 : c];
            q[c] = Math.Clamp((long)Math.Round((double)(bias[c] / scale), MidpointRounding.AwayFromZero), min + 1, max);
        }
        return q;
    }

    /// <summary>Packs signed 4-bit values two to a byte, the earlier element in the low nibble (TFLM's PackInt4ValuesDenselyInPlace).</summary>
    public static byte[] PackInt4(sbyte[] values)
    {
        var packed = new byte[(values.Length + 1) / 2];
        for (int i = 0; i < values.Length; i++)
            packed[i / 2] |= (byte)((values[i] & 0x0F) << (i % 2 == 0 ? 0 : 4));
        return packed;
    }

    /// <summary>
    /// TFLM's TestConvQuantizedPerChannel / TestDepthwiseConvQuantizedPerChannel: quantizes the float vectors (input
    /// per tensor, filter symmetric per channel along <paramref name="quantizedDimension"/>, bias per channel), runs the
    /// op and checks the output against the quantized golden values within one step, as TFLM's tests do.
    /// </summary>
    public static void CheckQuantizedPerChannel(
        BuiltinOperator op, TensorType ioType, TensorType filterType, TensorType biasType,
        int[] inputShape, float[] input, float inputScale, int inputZeroPoint,
        int[] filterShape, float[] filter, int quantizedDimension,
        int[] biasShape, float[] bias,
        int[] outputShape, float[] golden, float outputScale, int outputZeroPoint,
        OperatorOptions options)
    {
        var m = new OperatorModel();
        int elements = inputShape.Aggregate(1, (a, b) => a * b);
        float[] inputValues = input[..elements];
        int i = m.Input(ioType, inputShape, Quant.PerTensor(inputScale, inputZeroPoint));

        (sbyte[] fq, float[] fs) = QuantizePerChannel(filter, filterShape, quantizedDimension, filterType == TensorType.Int4 ? 7 : 127);
        int f = filterType == TensorType.Int4
            ? m.Constant(TensorType.Int4, filterShape, PackInt4(fq), Quant.PerChannel(fs, quantizedDimension))
            : m.Constant(TensorType.Int8, filterShape, fq, Quant.PerChannel(fs, quantizedDimension));

        QuantizationParameters biasQuantization = Quant.PerChannel([.. fs.Select(s => inputScale * s)], quantizedDimension);
        int b = biasType == TensorType.Int64
            ? m.Constant(TensorType.Int64, biasShape, QuantizeBias(bias, inputScale, fs, long.MinValue, long.MaxValue), biasQuantization)
            : m.Constant(TensorType.Int32, biasShape, [.. QuantizeBias(bias, inputScale, fs, int.MinValue, int.MaxValue).Select(v => (int)v)], biasQuantization);
        m.Output(ioType, outputShape, Quant.PerTensor(outputScale, outputZeroPoint));
        byte[] model = m.Build(op, [i, f, b], options);

        if (ioType == TensorType.Int8)
        {
            sbyte[] result = Run<sbyte>(model, Bytes(QuantizeInt8(inputValues, inputScale, inputZeroPoint)));
            AssertNear([.. QuantizeInt8(golden, outputScale, outputZeroPoint).Select(v => (float)v)], result, 1.0);
        }
        else
        {
            short[] result = Run<short>(model, Bytes(QuantizeInt16(inputValues, inputScale, inputZeroPoint)));
            AssertNear([.. QuantizeInt16(golden, outputScale, outputZeroPoint).Select(v => (float)v)], result, 1.0);
        }
    }

    /// <summary>Runs a float32 op with constant filter and bias and checks the output within <paramref name="tolerance"/> (TFLM's float tests use 1e-5).</summary>
    public static void CheckFloat(BuiltinOperator op, int[] inputShape, float[] input, int[] filterShape, float[] filter,
        int[] biasShape, float[] bias, int[] outputShape, float[] golden, OperatorOptions options, double tolerance = 1e-5)
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, inputShape);
        int f = m.Constant(TensorType.Float32, filterShape, filter);
        int b = m.Constant(TensorType.Float32, biasShape, bias);
        m.Output(TensorType.Float32, outputShape);
        byte[] model = m.Build(op, [i, f, b], options);
        AssertNear(golden, Run<float>(model, Bytes(input)), tolerance);
    }

    /// <summary>Asserts every element is within <paramref name="tolerance"/> of the expected one.</summary>
    public static void AssertNear<T>(IReadOnlyList<float> expected, IReadOnlyList<T> actual, double tolerance) where T : unmanaged
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double a = Convert.ToDouble(actual[i]);
            Assert.True(Math.Abs(a - expected[i]) <= tolerance, $"element {i}: {a}, expected {expected[i]} (tolerance {tolerance})");
        }
    }
}
