namespace TfLiteMicro.Memory;

/// <summary>
/// When each tensor of one subgraph is in use, in the subgraph's steps (step i runs operator i): from the first
/// operator that reads or writes it to the last. The subgraph's inputs are in use from step 0, its outputs until
/// the last step. Tensors no step uses have -1 for both.
/// </summary>
internal sealed class TensorLifetimes
{
    private TensorLifetimes(int tensorCount, int steps)
    {
        First = new int[tensorCount];
        Last = new int[tensorCount];
        Array.Fill(First, -1);
        Array.Fill(Last, -1);
        Steps = steps;
    }

    /// <summary>First step using each tensor (indexed as in the subgraph), or -1.</summary>
    public int[] First { get; }

    /// <summary>Last step using each tensor, or -1.</summary>
    public int[] Last { get; }

    /// <summary>Number of steps: one per operator, at least one.</summary>
    public int Steps { get; }

    /// <summary>
    /// The steps of the arena's plan (the main subgraph's, up to <paramref name="lastStep"/>) during which tensor
    /// <paramref name="t"/> of <paramref name="subgraph"/> is alive: its own steps in the main subgraph; every step for
    /// another subgraph, which control flow can run in the middle of any of them.
    /// </summary>
    public (int First, int Last) PlannedSteps(int subgraph, int t, int lastStep)
        => subgraph == 0 ? (First[t], Math.Max(First[t], Last[t])) : (0, lastStep);

    /// <summary>The steps of the arena's plan during which operator <paramref name="index"/> of <paramref name="subgraph"/> runs.</summary>
    public static (int First, int Last) OperatorSteps(int subgraph, int index, int lastStep)
        => subgraph == 0 ? (index, index) : (0, lastStep);

    /// <summary>The lifetimes of the tensors of <paramref name="subgraph"/>.</summary>
    public static TensorLifetimes Of(InterpreterGraph graph, int subgraph)
    {
        int nodes = graph.NodeCount(subgraph);
        int start = graph.TensorStart(subgraph);
        var lifetimes = new TensorLifetimes(graph.TensorCount(subgraph), Math.Max(1, nodes));
        int[] first = lifetimes.First, last = lifetimes.Last;
        Subgraph definition = graph.Model.Subgraphs[subgraph];
        foreach (int t in definition.Inputs)
        {
            first[t] = 0;
            last[t] = Math.Max(last[t], 0);
        }
        for (int o = 0; o < nodes; o++)
        {
            int node = graph.NodeStart(subgraph) + o;
            foreach (int id in graph.Inputs(node))
            {
                if (id < 0) continue;
                if (first[id - start] < 0) first[id - start] = 0;
                last[id - start] = o;
            }
            foreach (int id in graph.Outputs(node)) Produced(id - start, o);
            foreach (int id in graph.Intermediates(node)) Produced(id - start, o);
        }
        foreach (int t in definition.Outputs)
        {
            if (first[t] < 0) first[t] = 0;
            last[t] = lifetimes.Steps - 1;
        }
        return lifetimes;

        void Produced(int t, int step)
        {
            if (t < 0) return;
            if (first[t] < 0) first[t] = step;
            last[t] = Math.Max(last[t], step);
        }
    }
}
