using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>
/// CONCATENATION, PACK, UNPACK, SPLIT and SPLIT_V share one copy plan (<see cref="AxisParts"/>): random shapes, axes,
/// part sizes and element types give the reference kernels' outputs with the fast copy, on poisoned arenas; and the
/// fast copy of one part writes exactly the bytes the reference copy writes, for every row size and stride.
/// </summary>
public class AxisPartsPropertyTests
{
    private static readonly TensorType[] Types = [TensorType.Int8, TensorType.Int16, TensorType.Float32, TensorType.Int32];

    private static int[] RandomShape(Random random, int rank)
    {
        var shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = random.Next(1, 5);
        return shape;
    }

    private static QuantizationParameters? QuantFor(TensorType type)
        => type == TensorType.Int8 ? Quant.PerTensor(0.5f, 3) : type == TensorType.Int16 ? Quant.PerTensor(0.25f, 0) : null;

    [Fact]
    public void ConcatenationMatchesReference()
    {
        var random = new Random(1401);
        for (int i = 0; i < FastPath.Cases(150); i++)
        {
            TensorType type = Types[random.Next(Types.Length)];
            int rank = random.Next(1, 5), axis = random.Next(rank), count = random.Next(1, 5);
            int[] shape = RandomShape(random, rank);
            var m = new OperatorModel();
            var inputs = new int[count];
            int total = 0;
            for (int k = 0; k < count; k++)
            {
                int[] part = (int[])shape.Clone();
                part[axis] = random.Next(0, 4);
                total += part[axis];
                inputs[k] = m.Input(type, part, QuantFor(type));
            }
            int[] outShape = (int[])shape.Clone();
            outShape[axis] = total;
            m.Output(type, outShape, QuantFor(type));
            FastPath.AssertMatchesReference(m.Build(BuiltinOperator.Concatenation, inputs, OperatorOptions.Concatenation(axis - (random.Next(2) * rank))),
                random, $"case {i}: CONCATENATION {type} {count} parts along {axis} of [{string.Join(",", outShape)}]");
        }
    }

    [Fact]
    public void PackAndUnpackMatchReference()
    {
        var random = new Random(1402);
        for (int i = 0; i < FastPath.Cases(150); i++)
        {
            TensorType type = Types[random.Next(Types.Length)];
            int rank = random.Next(0, 4), count = random.Next(1, 5), axis = random.Next(rank + 1);
            int[] shape = RandomShape(random, rank);
            int[] stacked = [.. shape[..axis], count, .. shape[axis..]];

            var pack = new OperatorModel();
            var inputs = new int[count];
            for (int k = 0; k < count; k++) inputs[k] = pack.Input(type, shape, QuantFor(type));
            pack.Output(type, stacked, QuantFor(type));
            FastPath.AssertMatchesReference(pack.Build(BuiltinOperator.Pack, inputs, OperatorOptions.Pack(count, axis)),
                random, $"case {i}: PACK {type} {count} x [{string.Join(",", shape)}] along {axis}");

            var unpack = new OperatorModel();
            int whole = unpack.Input(type, stacked, QuantFor(type));
            for (int k = 0; k < count; k++) unpack.Output(type, shape, QuantFor(type));
            FastPath.AssertMatchesReference(unpack.Build(BuiltinOperator.Unpack, [whole], OperatorOptions.Unpack(count, axis)),
                random, $"case {i}: UNPACK {type} [{string.Join(",", stacked)}] along {axis}");
        }
    }

    [Fact]
    public void SplitVMatchesReference()
    {
        var random = new Random(1403);
        for (int i = 0; i < FastPath.Cases(150); i++)
        {
            TensorType type = Types[random.Next(Types.Length)];
            int rank = random.Next(1, 5), axis = random.Next(rank), count = random.Next(1, 5);
            int[] shape = RandomShape(random, rank);
            var sizes = new int[count];
            for (int k = 0; k < count; k++) sizes[k] = random.Next(0, 4);
            shape[axis] = sizes.Sum();
            var m = new OperatorModel();
            int input = m.Input(type, shape, QuantFor(type));
            int sizesTensor = m.Constant(TensorType.Int32, [count], sizes);
            int axisTensor = m.Constant(TensorType.Int32, [1], new[] { axis });
            for (int k = 0; k < count; k++)
            {
                int[] part = (int[])shape.Clone();
                part[axis] = sizes[k];
                m.Output(type, part, QuantFor(type));
            }
            FastPath.AssertMatchesReference(m.Build(BuiltinOperator.SplitV, [input, sizesTensor, axisTensor], OperatorOptions.SplitV(count)),
                random, $"case {i}: SPLIT_V {type} [{string.Join(",", shape)}] into {string.Join(",", sizes)} along {axis}");
        }
    }

    [Fact]
    public void FastCopyWritesWhatTheReferenceCopyWrites()
    {
        var random = new Random(1404);
        foreach (int rowBytes in new[] { 1, 2, 3, 4, 6, 8, 12, 16, 40 })
            foreach (int gap in new[] { 0, 1, 2, 4, 8, 9 })
                foreach (int rows in new[] { 0, 1, 2, 7 })
                {
                    int wholeRow = rowBytes + gap, start = gap / 2, rest = gap - start;
                    var part = new byte[rows * rowBytes];
                    var left = new byte[rows * start];
                    var right = new byte[rows * rest];
                    var whole = new byte[rows * wholeRow];
                    random.NextBytes(part);
                    random.NextBytes(left);
                    random.NextBytes(right);
                    random.NextBytes(whole);
                    string description = $"{rows} rows of {rowBytes} bytes in rows of {wholeRow}";
                    // A join writes every byte of the whole: the part between two others that fill the gap.
                    void Join(Span<byte> output, bool fast)
                    {
                        AxisParts.Copy(left, start, 0, output, wholeRow, 0, rows, start, fast);
                        AxisParts.Copy(part, rowBytes, 0, output, wholeRow, start, rows, rowBytes, fast);
                        AxisParts.Copy(right, rest, 0, output, wholeRow, start + rowBytes, rows, rest, fast);
                    }
                    FastPath.AssertLoopMatchesReference<byte>(whole.Length, output => Join(output, fast: false),
                        (level, output) => Join(output, fast: level != SimdLevel.Reference), "join: " + description);
                    FastPath.AssertLoopMatchesReference<byte>(part.Length,
                        output => AxisParts.Copy(whole, wholeRow, start, output, rowBytes, 0, rows, rowBytes, fast: false),
                        (level, output) => AxisParts.Copy(whole, wholeRow, start, output, rowBytes, 0, rows, rowBytes, fast: level != SimdLevel.Reference),
                        "cut: " + description);
                }
    }
}
