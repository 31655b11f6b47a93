using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The int32 ADD, MUL, DIV, MINIMUM and MAXIMUM fast paths and the int32/uint32 CAST give the reference kernels' integers:
/// random shapes (those of the int8 ADD and MUL tests: same shape and a scalar on either side, and broadcasts that keep the reference walk), activations, and
/// values with the wrap-arounds (products and sums that overflow, int.MinValue / -1, divisors of every size).
/// </summary>
public sealed class Int32ElementwisePropertyTests
{
    private static readonly int[] EdgeValues = [0, 1, -1, 2, -2, 7, -7, int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1, 1 << 16, -(1 << 16), 46341];

    private static int Value(Random random) => random.Next(4) switch
    {
        0 => EdgeValues[random.Next(EdgeValues.Length)],
        1 => random.Next(-100, 100),
        2 => random.Next(-(1 << 16), 1 << 16),
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    private static void Fill(Random random, Span<byte> bytes, bool divisor)
    {
        Span<int> values = MemoryMarshal.Cast<byte, int>(bytes);
        for (int i = 0; i < values.Length; i++)
        {
            int v = Value(random);
            values[i] = divisor && v == 0 ? -1 : v;
        }
    }

    [Theory]
    [InlineData(BuiltinOperator.Add)]
    [InlineData(BuiltinOperator.Mul)]
    [InlineData(BuiltinOperator.Div)]
    [InlineData(BuiltinOperator.Minimum)]
    [InlineData(BuiltinOperator.Maximum)]
    public void BinaryMatchesTheReference(BuiltinOperator op)
    {
        var random = new Random(3200 + (int)op);
        for (int c = 0; c < FastPath.Cases(300); c++)
        {
            (int[] a, int[] b, int[] output, string kind) = AddMulPropertyTests.Shapes(random);
            var activation = (FusedActivation)random.Next(4);
            var m = new OperatorModel();
            int x = m.Input(TensorType.Int32, a);
            int y = m.Input(TensorType.Int32, b);
            m.Output(TensorType.Int32, output);
            OperatorOptions? options = op switch
            {
                BuiltinOperator.Add => OperatorOptions.Add(activation),
                BuiltinOperator.Mul => OperatorOptions.Mul(activation),
                BuiltinOperator.Div => OperatorOptions.Div(activation),
                _ => null,
            };
            FastPath.AssertMatchesReference(m.Build(op, [x, y], options), random,
                $"case {c}: {op} {kind} [{string.Join(",", a)}] x [{string.Join(",", b)}], {activation}",
                fill: (k, bytes) => Fill(random, bytes, divisor: op == BuiltinOperator.Div && k == 1));
        }
    }

    [Theory]
    [InlineData(TensorType.Int32, TensorType.UInt32)]
    [InlineData(TensorType.UInt32, TensorType.Int32)]
    [InlineData(TensorType.Int32, TensorType.Int32)]
    public void CastBetweenWordsMatchesTheReference(TensorType from, TensorType to)
    {
        var random = new Random(257);
        for (int c = 0; c < FastPath.Cases(100); c++)
        {
            int[] shape = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 40))];
            var m = new OperatorModel();
            int x = m.Input(from, shape);
            m.Output(to, shape);
            FastPath.AssertMatchesReference(m.Build(BuiltinOperator.Cast, [x]), random, $"case {c}: CAST {from} -> {to} [{string.Join(",", shape)}]");
        }
    }
}
