using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>FILL: an output of the constant shape <c>dims</c>, every element the scalar <c>value</c>.</summary>
internal sealed class Fill : IKernel
{
    private int _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor dims = context.Input(0);
        Tensor value = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireConstantIndices(context, dims, "dims", allowInt64: true);
        if (dims.Rank != 1) throw context.Error($"dims must be a vector, has shape {ShapeHelpers.Format(dims.Shape)}");
        if (value.Rank != 0 && !(value.Rank == 1 && value.ElementCount == 1))
            throw context.Error($"value must be a scalar, has shape {ShapeHelpers.Format(value.Shape)}");
        ShapeHelpers.RequireType(context, "value", value.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, value, "value", output, "output");
        int[] shape = ShapeHelpers.ReadIndices(context, dims, "dims");
        foreach (int d in shape)
            if (d < 0) throw context.Error($"dims {ShapeHelpers.Format(shape)} holds a negative dimension");
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        _elementSize = TensorTypes.ElementSize(value.Type);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> value = context.Input<byte>(1)[.._elementSize];
        Span<byte> output = context.Output<byte>(0);
        switch (_elementSize)
        {
            case 1: output.Fill(value[0]); break;
            case 2: MemoryMarshal.Cast<byte, short>(output).Fill(MemoryMarshal.Read<short>(value)); break;
            case 4: MemoryMarshal.Cast<byte, int>(output).Fill(MemoryMarshal.Read<int>(value)); break;
            default: MemoryMarshal.Cast<byte, long>(output).Fill(MemoryMarshal.Read<long>(value)); break;
        }
    }
}
