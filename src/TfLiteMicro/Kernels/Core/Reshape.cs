namespace TfLiteMicro.Kernels;

/// <summary>
/// RESHAPE: the same elements under the output's shape. A -1 in the output shape is the stretch dimension, worked out
/// from the element count; the optional shape input and the legacy options are not needed because the model's output
/// tensor already carries the shape.
/// </summary>
internal sealed class Reshape : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 2, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Type != output.Type)
            throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(input.Type)}");
        if (TensorTypes.ByteCount(input.Type, 1) < 0) throw context.UnsupportedType("input", input.Type);

        ReadOnlySpan<int> shape = output.Shape;
        if (context.InputCount == 1 && shape.Length == 1 && shape[0] == 0)
            shape = []; // a legacy way of saying "scalar"

        long known = 1;
        int stretch = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (stretch >= 0) throw context.Error("output shape has more than one -1 dimension");
                stretch = i;
            }
            else
            {
                known *= shape[i];
            }
        }
        int[] resolved = shape.ToArray();
        if (stretch >= 0)
        {
            if (known == 0) throw context.Error("cannot infer the -1 dimension next to a zero dimension");
            resolved[stretch] = (int)(input.ElementCount / known);
            known *= resolved[stretch];
        }
        if (known != input.ElementCount)
            throw context.Error($"input has {input.ElementCount} elements but the output shape [{string.Join(",", resolved)}] has {known}");
        if (stretch >= 0 || resolved.Length != output.Rank) context.SetOutputShape(0, resolved);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        input.CopyTo(context.Output<byte>(0));
    }
}
