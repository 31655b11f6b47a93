namespace TfLiteMicro.Kernels;

/// <summary>READ_VARIABLE: copies the value of the resource variable its handle names into its output.</summary>
internal sealed class ReadVariable : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor handle = context.Input(0);
        if (handle.Type is not (TensorType.Resource or TensorType.Int32)) throw context.UnsupportedType("handle", handle.Type);
        if (handle.ElementCount != 1) throw context.Error($"the handle must hold one value, has {handle.ElementCount}");
    }

    public void Invoke(InvokeContext context)
    {
        int id = context.Input<int>(0)[0];
        Span<byte> value = context.ResourceVariable(id, out bool exists);
        if (!exists) throw context.Error($"resource variable {id} is read but no ASSIGN_VARIABLE gives it a value");
        Span<byte> output = context.Output<byte>(0);
        if (output.Length != value.Length) throw context.Error($"resource variable {id} holds {value.Length} bytes, the output {output.Length}");
        value.CopyTo(output);
    }
}
