namespace TfLiteMicro.Kernels;

/// <summary>
/// IF: runs the then or else subgraph depending on its boolean first input; the other inputs become the chosen
/// subgraph's inputs and its outputs become the op's outputs.
/// </summary>
internal sealed class If : IKernel
{
    private int _then, _else;
    private int[] _thenInputs = [], _thenOutputs = [], _elseInputs = [], _elseOutputs = [];
    private bool _running;

    public void Prepare(PrepareContext context)
    {
        if (context.InputCount < 1) throw context.Error("needs a condition input");
        IfOptions options = IfOptions.Read(context);
        _then = options.ThenSubgraphIndex;
        _else = options.ElseSubgraphIndex;
        SubgraphTransfer.CheckIndex(context, _then, "then");
        SubgraphTransfer.CheckIndex(context, _else, "else");
        Tensor condition = context.Input(0);
        if (condition.Type != TensorType.Bool) throw context.UnsupportedType("condition", condition.Type);
        if (condition.ElementCount != 1) throw context.Error($"the condition must hold one value, has {condition.ElementCount}");
        for (int i = 1; i < context.InputCount; i++) context.Input(i);
        for (int i = 0; i < context.OutputCount; i++) context.Output(i);

        _thenInputs = SubgraphTransfer.Inputs(context, _then);
        _thenOutputs = SubgraphTransfer.Outputs(context, _then);
        _elseInputs = SubgraphTransfer.Inputs(context, _else);
        _elseOutputs = SubgraphTransfer.Outputs(context, _else);
        int inputs = context.InputCount - 1;
        if (_thenInputs.Length != inputs || _elseInputs.Length != inputs)
            throw context.Error($"passes {inputs} inputs, but the then subgraph takes {_thenInputs.Length} and the else subgraph {_elseInputs.Length}");
        if (_thenOutputs.Length != context.OutputCount || _elseOutputs.Length != context.OutputCount)
            throw context.Error($"has {context.OutputCount} outputs, but the then subgraph gives {_thenOutputs.Length} and the else subgraph {_elseOutputs.Length}");
    }

    public void Invoke(InvokeContext context)
    {
        if (_running) throw context.Error("the subgraph calls itself back (a cycle of control-flow subgraphs)");
        bool condition = context.Input<byte>(0)[0] != 0;
        int subgraph = condition ? _then : _else;
        int[] inputs = condition ? _thenInputs : _elseInputs;
        int[] outputs = condition ? _thenOutputs : _elseOutputs;
        for (int i = 0; i < inputs.Length; i++) SubgraphTransfer.Copy(context, context.InputId(i + 1), inputs[i]);
        _running = true;
        try
        {
            context.InvokeSubgraph(subgraph);
        }
        finally
        {
            _running = false;
        }
        for (int i = 0; i < outputs.Length; i++) SubgraphTransfer.Copy(context, outputs[i], context.OutputId(i));
    }
}
