namespace TfLiteMicro.Kernels;

/// <summary>
/// WHILE: loop-carried values start as the op's inputs; while the condition subgraph returns true for them, the body
/// subgraph maps them to their next values. The op's outputs are the values when the condition turns false.
/// </summary>
internal sealed class While : IKernel
{
    private int _condition, _body;
    private int[] _conditionInputs = [], _bodyInputs = [], _bodyOutputs = [];
    private int _conditionOutput;
    private bool _running;

    public void Prepare(PrepareContext context)
    {
        WhileOptions options = WhileOptions.Read(context);
        _condition = options.CondSubgraphIndex;
        _body = options.BodySubgraphIndex;
        SubgraphTransfer.CheckIndex(context, _condition, "condition");
        SubgraphTransfer.CheckIndex(context, _body, "body");
        int count = context.InputCount;
        if (context.OutputCount != count) throw context.Error($"has {count} inputs but {context.OutputCount} outputs; they must match");
        for (int i = 0; i < count; i++)
        {
            context.Input(i);
            context.Output(i);
        }
        _conditionInputs = SubgraphTransfer.Inputs(context, _condition);
        int[] conditionOutputs = SubgraphTransfer.Outputs(context, _condition);
        _bodyInputs = SubgraphTransfer.Inputs(context, _body);
        _bodyOutputs = SubgraphTransfer.Outputs(context, _body);
        if (_conditionInputs.Length != count) throw context.Error($"carries {count} values, but the condition subgraph takes {_conditionInputs.Length}");
        if (_bodyInputs.Length != count) throw context.Error($"carries {count} values, but the body subgraph takes {_bodyInputs.Length}");
        if (_bodyOutputs.Length != count) throw context.Error($"carries {count} values, but the body subgraph gives {_bodyOutputs.Length}");
        if (conditionOutputs.Length < 1) throw context.Error("the condition subgraph has no output");
        _conditionOutput = conditionOutputs[0];
        TensorType conditionType = context.TensorAt(_conditionOutput).Type;
        if (conditionType != TensorType.Bool) throw context.UnsupportedType("condition output", conditionType);
    }

    public void Invoke(InvokeContext context)
    {
        if (_running) throw context.Error("the subgraph calls itself back (a cycle of control-flow subgraphs)");
        int count = _bodyInputs.Length;
        _running = true;
        try
        {
            for (int i = 0; i < count; i++)
            {
                SubgraphTransfer.Copy(context, context.InputId(i), _conditionInputs[i]);
                SubgraphTransfer.Copy(context, context.InputId(i), context.OutputId(i));
            }
            for (long iteration = 0; ; iteration++)
            {
                context.BeginLoopIteration(iteration);
                context.InvokeSubgraph(_condition);
                if (ReadCondition(context) == 0) break;
                for (int i = 0; i < count; i++) SubgraphTransfer.Copy(context, context.OutputId(i), _bodyInputs[i]);
                context.InvokeSubgraph(_body);
                for (int i = 0; i < count; i++) SubgraphTransfer.Copy(context, _bodyOutputs[i], context.OutputId(i));
                for (int i = 0; i < count; i++) SubgraphTransfer.Copy(context, context.OutputId(i), _conditionInputs[i]);
            }
        }
        finally
        {
            _running = false;
        }
    }

    private byte ReadCondition(InvokeContext context)
    {
        ReadOnlySpan<byte> bytes = context.TensorData(_conditionOutput);
        if (bytes.IsEmpty) throw context.Error("the condition subgraph's output is empty");
        return bytes[0];
    }
}
