namespace TfLiteMicro.Kernels;

/// <summary>
/// CALL_ONCE: runs its initialisation subgraph (typically assigning resource variables) on the first Invoke only.
/// A reset interpreter runs it again, since Reset also returns the variables it initialised to zero.
/// </summary>
internal sealed class CallOnce : IKernel, IResettableKernel
{
    private int _init;
    private bool _hasRun, _running;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(0, 0, 0);
        _init = CallOnceOptions.Read(context).InitSubgraphIndex;
        SubgraphTransfer.CheckIndex(context, _init, "init");
        _hasRun = false;
    }

    public void Invoke(InvokeContext context)
    {
        if (_hasRun) return;
        if (_running) throw context.Error("the init subgraph calls itself back (a cycle of control-flow subgraphs)");
        _running = true;
        try
        {
            context.InvokeSubgraph(_init);
        }
        finally
        {
            _running = false;
        }
        _hasRun = true;
    }

    public void Reset(InvokeContext context) => _hasRun = false;
}
