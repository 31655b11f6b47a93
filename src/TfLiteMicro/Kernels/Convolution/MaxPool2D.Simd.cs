using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>The optimized int8 path of MAX_POOL_2D: sixteen channels at a time with vector maximum; same bytes as the reference.</summary>
internal sealed partial class MaxPool2D
{
    private bool _int8Optimized;

    protected override void PrepareOptimized(PrepareContext context)
        => _int8Optimized = Window.Type == TensorType.Int8 && Simd.For(context) != SimdLevel.Reference;

    protected override bool RunOptimized(InvokeContext context)
    {
        if (!_int8Optimized) return false;
        RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0));
        return true;
    }

    private void RunInt8Optimized(ReadOnlySpan<sbyte> input, Span<sbyte> output)
        => Int8PoolWalk.Run(Window, input, output, new MaxPixel(Window.QuantizedMin, Window.QuantizedMax));

    private readonly struct MaxPixel(int min, int max) : IInt8PoolPixel
    {
        private readonly Vector128<sbyte> _low = Vector128.Create((sbyte)min), _high = Vector128.Create((sbyte)max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(ref sbyte x, Span<sbyte> output, in Int8PoolWindow window)
        {
            int depth = window.Depth, c = 0;
            for (; c + 16 <= depth; c += 16)
            {
                var largest = new Largest16 { Value = Vector128.Create(sbyte.MinValue) };
                window.Accumulate(ref x, c, ref largest);
                Vector128.Min(Vector128.Max(largest.Value, _low), _high).CopyTo(output.Slice(c, 16));
            }
            for (; c < depth; c++)
            {
                var largest = new Largest1 { Value = sbyte.MinValue };
                window.Accumulate(ref x, c, ref largest);
                output[c] = (sbyte)Math.Min(Math.Max(largest.Value, min), max);
            }
        }
    }

    private struct Largest16 : IWindowAccumulator
    {
        public Vector128<sbyte> Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref sbyte x, int at) => Value = Vector128.Max(Value, Vector128.LoadUnsafe(ref x, (nuint)at));
    }

    private struct Largest1 : IWindowAccumulator
    {
        public int Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref sbyte x, int at) => Value = Math.Max(Value, Unsafe.Add(ref x, at));
    }
}
