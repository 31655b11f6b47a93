using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// Parameter sweeps of CONV_2D and DEPTHWISE_CONV_2D (strides, dilations, paddings, odd sizes, groups, depth
/// multipliers, per-tensor and per-channel weights, every fused activation) against a plain float reference written
/// here. The quantized kernels run on quantized data, and the reference on exactly those values dequantized, so the
/// only difference left is the final requantization: at most one output step.
/// </summary>
public class ConvolutionSweepTests
{
    private static readonly FusedActivation[] Activations = [FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.ReluN1To1];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 1; seed <= 48; seed++) data.Add(seed);
        return data;
    }

    private sealed record Geometry(int Batches, int InH, int InW, int InC, int OutC, int FH, int FW, int StrideH, int StrideW,
        int DilationH, int DilationW, PaddingKind Padding, FusedActivation Activation, int Groups, int Multiplier, bool PerChannel)
    {
        public int OutH => Out(InH, FH, StrideH, DilationH);
        public int OutW => Out(InW, FW, StrideW, DilationW);
        public int PadH => Pad(InH, FH, StrideH, DilationH, OutH);
        public int PadW => Pad(InW, FW, StrideW, DilationW, OutW);

        private int Out(int input, int filter, int stride, int dilation)
        {
            int effective = (filter - 1) * dilation + 1;
            return Padding == PaddingKind.Same ? (input + stride - 1) / stride : input < effective ? 0 : (input - effective) / stride + 1;
        }

        private static int Pad(int input, int filter, int stride, int dilation, int output)
            => Math.Max(0, (output - 1) * stride + (filter - 1) * dilation + 1 - input) / 2;
    }

    private static Geometry RandomGeometry(Random r, bool depthwise)
    {
        while (true)
        {
            int groups = depthwise ? 1 : r.Next(1, 3);
            int multiplier = depthwise ? r.Next(1, 4) : 1;
            int inC = depthwise ? r.Next(1, 5) : groups * r.Next(1, 4);
            int outC = depthwise ? inC * multiplier : groups * r.Next(1, 4);
            var g = new Geometry(r.Next(1, 3), r.Next(1, 9), r.Next(1, 9), inC, outC, r.Next(1, 4), r.Next(1, 4),
                r.Next(1, 4), r.Next(1, 4), r.Next(1, 3), r.Next(1, 3), r.Next(2) == 0 ? PaddingKind.Same : PaddingKind.Valid,
                Activations[r.Next(Activations.Length)], groups, multiplier, r.Next(2) == 0);
            if (g.OutH > 0 && g.OutW > 0) return g;
        }
    }

    /// <summary>The convolution in float, straight from its definition.</summary>
    private static float[] Reference(Geometry g, float[] input, float[] filter, float[] bias, bool depthwise, float min, float max)
    {
        var output = new float[g.Batches * g.OutH * g.OutW * g.OutC];
        int filterDepth = depthwise ? 1 : g.InC / g.Groups;
        for (int b = 0; b < g.Batches; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int oc = 0; oc < g.OutC; oc++)
                    {
                        double sum = bias[oc];
                        for (int fy = 0; fy < g.FH; fy++)
                            for (int fx = 0; fx < g.FW; fx++)
                            {
                                int y = oy * g.StrideH - g.PadH + fy * g.DilationH;
                                int x = ox * g.StrideW - g.PadW + fx * g.DilationW;
                                if (y < 0 || y >= g.InH || x < 0 || x >= g.InW) continue;
                                for (int k = 0; k < filterDepth; k++)
                                {
                                    int ic = depthwise ? oc / g.Multiplier : oc / (g.OutC / g.Groups) * filterDepth + k;
                                    float w = depthwise
                                        ? filter[(fy * g.FW + fx) * g.OutC + oc]
                                        : filter[((oc * g.FH + fy) * g.FW + fx) * filterDepth + k];
                                    sum += (double)input[((b * g.InH + y) * g.InW + x) * g.InC + ic] * w;
                                }
                            }
                        output[((b * g.OutH + oy) * g.OutW + ox) * g.OutC + oc] = Math.Clamp((float)sum, min, max);
                    }
        return output;
    }

    private static (float Min, float Max) Clamp(FusedActivation a) => a switch
    {
        FusedActivation.Relu => (0f, float.MaxValue),
        FusedActivation.Relu6 => (0f, 6f),
        FusedActivation.ReluN1To1 => (-1f, 1f),
        _ => (float.MinValue, float.MaxValue),
    };

    private static float[] RandomValues(Random r, int count, float range)
        => [.. Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1) * range)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Conv2DMatchesFloatReference(int seed) => Sweep(seed, depthwise: false);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DepthwiseConv2DMatchesFloatReference(int seed) => Sweep(seed, depthwise: true);

    private static void Sweep(int seed, bool depthwise)
    {
        var r = new Random(seed);
        Geometry g = RandomGeometry(r, depthwise);
        BuiltinOperator op = depthwise ? BuiltinOperator.DepthwiseConv2D : BuiltinOperator.Conv2D;
        OperatorOptions options = depthwise
            ? OperatorOptions.DepthwiseConv2D(g.Padding, g.StrideW, g.StrideH, g.Multiplier, g.Activation, g.DilationW, g.DilationH)
            : OperatorOptions.Conv2D(g.Padding, g.StrideW, g.StrideH, g.Activation, g.DilationW, g.DilationH);
        int[] inputShape = [g.Batches, g.InH, g.InW, g.InC];
        int[] filterShape = depthwise ? [1, g.FH, g.FW, g.OutC] : [g.OutC, g.FH, g.FW, g.InC / g.Groups];
        int[] outputShape = [g.Batches, g.OutH, g.OutW, g.OutC];
        int channelDim = depthwise ? 3 : 0;
        (float min, float max) = Clamp(g.Activation);

        float[] inputF = RandomValues(r, inputShape.Aggregate(1, (a, b) => a * b), 3f);
        float[] filterF = RandomValues(r, filterShape.Aggregate(1, (a, b) => a * b), 1f);
        float[] biasF = RandomValues(r, g.OutC, 2f);

        // Float kernel against the reference (which sums in double; the kernel sums up to 54 products in float).
        float[] expectedFloat = Reference(g, inputF, filterF, biasF, depthwise, min, max);
        CheckFloat(op, inputShape, inputF, filterShape, filterF, [g.OutC], biasF, outputShape, expectedFloat, options, 1e-4);

        foreach (TensorType io in new[] { TensorType.Int8, TensorType.Int16 })
        {
            // Quantize everything, then build the reference from the dequantized values.
            float inputScale = io == TensorType.Int8 ? 6f / 255 : 3f / 32767;
            int inputZero = io == TensorType.Int8 ? r.Next(-20, 21) : 0;
            int qmin = io == TensorType.Int8 ? -128 : -32768, qmax = io == TensorType.Int8 ? 127 : 32767;
            int[] inputQ = [.. inputF.Select(v => QuantizeValue(v, inputScale, inputZero, qmin, qmax))];
            float[] inputD = [.. inputQ.Select(q => (q - inputZero) * inputScale)];

            (sbyte[] filterQ, float[] filterScales) = QuantizePerChannel(filterF, filterShape, channelDim);
            if (!g.PerChannel)
            {
                float scale = filterScales.Max();
                filterQ = QuantizeInt8(filterF, scale, 0);
                filterScales = [scale];
            }
            float[] filterD = new float[filterF.Length];
            for (int k = 0; k < filterD.Length; k++)
            {
                int c = depthwise ? k % g.OutC : k / (filterD.Length / g.OutC);
                filterD[k] = filterQ[k] * filterScales[g.PerChannel ? c : 0];
            }
            long[] biasQ = QuantizeBias(biasF, inputScale, filterScales, int.MinValue, int.MaxValue);
            float[] biasD = [.. Enumerable.Range(0, g.OutC).Select(c => (float)(biasQ[c] * ((double)inputScale * filterScales[g.PerChannel ? c : 0])))];

            float[] expected = Reference(g, inputD, filterD, biasD, depthwise, min, max);
            float extent = Math.Max(1e-3f, expected.Max(MathF.Abs));
            float outputScale = io == TensorType.Int8 ? 2 * extent / 255 : extent / 32767;
            int outputZero = io == TensorType.Int8 ? r.Next(-10, 11) : 0;

            var m = new OperatorModel();
            int i = m.Input(io, inputShape, Quant.PerTensor(inputScale, inputZero));
            int f = m.Constant(TensorType.Int8, filterShape, filterQ, Quant.PerChannel(filterScales, channelDim));
            bool wideBias = io == TensorType.Int16 && (depthwise || r.Next(2) == 0);
            int b = wideBias
                ? m.Constant(TensorType.Int64, [g.OutC], biasQ)
                : m.Constant(TensorType.Int32, [g.OutC], [.. biasQ.Select(v => (int)v)]);
            m.Output(io, outputShape, Quant.PerTensor(outputScale, outputZero));
            byte[] model = m.Build(op, [i, f, b], options);

            double[] actual = io == TensorType.Int8
                ? [.. Run<sbyte>(model, Bytes(inputQ.Select(v => (sbyte)v).ToArray())).Select(q => (double)(q - outputZero) * outputScale)]
                : [.. Run<short>(model, Bytes(inputQ.Select(v => (short)v).ToArray())).Select(q => (double)q * outputScale)];
            for (int k = 0; k < expected.Length; k++)
            {
                // The expected value is clamped to what the output can represent, as the kernel's requantization is.
                double representable = Math.Clamp(expected[k], (qmin - outputZero) * (double)outputScale, (qmax - outputZero) * (double)outputScale);
                // int16 with a 64-bit accumulator requantizes with a multiplier reduced to 16 bits (as TFLite does),
                // which can add about one more step on values near full scale.
                double steps = io == TensorType.Int8 ? 1.01 : 2.01;
                Assert.True(Math.Abs(actual[k] - representable) <= outputScale * steps,
                    $"{g} {TensorTypes.GetName(io)} element {k}: {actual[k]}, expected {representable} (step {outputScale})");
            }
        }
    }
}
