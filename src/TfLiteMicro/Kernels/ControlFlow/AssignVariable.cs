namespace TfLiteMicro.Kernels;

/// <summary>
/// ASSIGN_VARIABLE: stores its value input in the resource variable its handle names. The first assignment seen while
/// preparing fixes the variable's size and gives it a buffer in the arena.
/// </summary>
internal sealed class AssignVariable : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 0);
        Tensor handle = context.Input(0);
        Tensor value = context.Input(1);
        if (handle.Type is not (TensorType.Resource or TensorType.Int32)) throw context.UnsupportedType("handle", handle.Type);
        if (handle.ElementCount != 1) throw context.Error($"the handle must hold one value, has {handle.ElementCount}");
        if (TensorTypes.ByteCount(value.Type, 1) < 0) throw context.UnsupportedType("value", value.Type);
        if (context.ResourceVariables.TryGetId(handle, out int id))
        {
            byte initial = value.Quantization.IsQuantized ? unchecked((byte)(sbyte)value.ZeroPoint) : (byte)0;
            string? problem = context.ResourceVariables.Allocate(id, value.ByteCount, initial);
            if (problem is not null) throw context.Error(problem);
        }
    }

    public void Invoke(InvokeContext context)
    {
        int id = context.Input<int>(0)[0];
        Span<byte> variable = context.ResourceVariable(id, out bool exists);
        if (!exists) throw context.Error($"resource variable {id} has no buffer (its handle does not come from a VAR_HANDLE of this subgraph)");
        ReadOnlySpan<byte> value = context.Input<byte>(1);
        if (value.Length != variable.Length) throw context.Error($"resource variable {id} holds {variable.Length} bytes, the value {value.Length}");
        value.CopyTo(variable);
    }
}
