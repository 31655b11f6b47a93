using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>CAST: converts each element as C++'s static_cast does (integers wrap, floats truncate toward zero).</summary>
internal sealed class Cast : IKernel
{
    private TensorType _from;
    private TensorType _to;
    private bool _copyBits;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type,
            TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.UInt32, TensorType.Float32, TensorType.Bool);
        ShapeHelpers.RequireType(context, "output", output.Type,
            TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.UInt32, TensorType.Float32);
        if (input.ElementCount != output.ElementCount)
            throw context.Error($"input {ShapeHelpers.Format(input.Shape)} and output {ShapeHelpers.Format(output.Shape)} differ in size");
        _from = input.Type;
        _to = output.Type;
        // Between int32 and uint32 the conversion keeps every bit: the optimized kernels copy the bytes.
        _copyBits = Simd.For(context) != SimdLevel.Reference && IsWord(_from) && IsWord(_to);
    }

    private static bool IsWord(TensorType type) => type is TensorType.Int32 or TensorType.UInt32;

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> source = context.Input<byte>(0);
        Span<byte> destination = context.Output<byte>(0);
        if (_copyBits)
        {
            source[..destination.Length].CopyTo(destination);
            return;
        }
        if (_from == TensorType.Float32)
        {
            ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(source);
            switch (_to)
            {
                case TensorType.Float32: values.CopyTo(MemoryMarshal.Cast<byte, float>(destination)); break;
                case TensorType.Int8: { Span<sbyte> d = MemoryMarshal.Cast<byte, sbyte>(destination); for (int i = 0; i < d.Length; i++) d[i] = (sbyte)(int)values[i]; break; }
                case TensorType.Int16: { Span<short> d = MemoryMarshal.Cast<byte, short>(destination); for (int i = 0; i < d.Length; i++) d[i] = (short)(int)values[i]; break; }
                case TensorType.Int32: { Span<int> d = MemoryMarshal.Cast<byte, int>(destination); for (int i = 0; i < d.Length; i++) d[i] = (int)values[i]; break; }
                default: { Span<uint> d = MemoryMarshal.Cast<byte, uint>(destination); for (int i = 0; i < d.Length; i++) d[i] = (uint)(long)values[i]; break; }
            }
            return;
        }

        int count = destination.Length / TensorTypes.ElementSize(_to);
        for (int i = 0; i < count; i++)
        {
            long v = _from switch
            {
                TensorType.Int8 => (sbyte)source[i],
                TensorType.Int16 => MemoryMarshal.Cast<byte, short>(source)[i],
                TensorType.Int32 => MemoryMarshal.Cast<byte, int>(source)[i],
                TensorType.UInt32 => MemoryMarshal.Cast<byte, uint>(source)[i],
                _ => source[i] != 0 ? 1 : 0,
            };
            switch (_to)
            {
                case TensorType.Int8: destination[i] = (byte)(sbyte)v; break;
                case TensorType.Int16: MemoryMarshal.Cast<byte, short>(destination)[i] = (short)v; break;
                case TensorType.Int32: MemoryMarshal.Cast<byte, int>(destination)[i] = (int)v; break;
                case TensorType.UInt32: MemoryMarshal.Cast<byte, uint>(destination)[i] = (uint)v; break;
                default: MemoryMarshal.Cast<byte, float>(destination)[i] = (float)v; break;
            }
        }
    }
}
