namespace TfLiteMicro.Kernels;

/// <summary>VAR_HANDLE: outputs the id of the resource variable named by its container and shared name.</summary>
internal sealed class VarHandle : IKernel
{
    private int _id;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(0, 0, 1);
        Tensor output = context.Output(0);
        if (output.Type is not (TensorType.Resource or TensorType.Int32)) throw context.UnsupportedType("output", output.Type);
        if (output.ElementCount != 1) throw context.Error($"the handle output must hold one value, has {output.ElementCount}");
        VarHandleOptions options = VarHandleOptions.Read(context);
        string container = options.Container ?? "";
        string name = options.SharedName ?? "";
        _id = context.ResourceVariables.FindOrCreate(container, name);
        context.ResourceVariables.Bind(output, _id);
    }

    public void Invoke(InvokeContext context) => context.Output<int>(0)[0] = _id;
}
