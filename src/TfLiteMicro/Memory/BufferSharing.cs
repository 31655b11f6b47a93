using TfLiteMicro.Kernels;

namespace TfLiteMicro.Memory;

/// <summary>How a tensor's buffer came to share another tensor's bytes.</summary>
public enum BufferSharingKind : byte
{
    /// <summary>The tensor has bytes of its own.</summary>
    None,

    /// <summary>RESHAPE, SQUEEZE or EXPAND_DIMS output: the same bytes as its input under another shape.</summary>
    Alias,

    /// <summary>An element-wise operator's output written over an input that is not read again.</summary>
    InPlace,
}

/// <summary>
/// Which planned tensors of the main subgraph can share one buffer: the output of an operator that only reinterprets its
/// input's bytes (<see cref="Aliasing"/>), and the output of an element-wise operator whose input is read for the last
/// time there (<see cref="InPlace"/>). Tensors sharing bytes form a group planned as one buffer alive from the first
/// member's first step to the last member's last.
/// </summary>
/// <remarks>
/// A kernel goes on the in-place list only when it is proven alias-safe on every path it has (reference and vector):
/// output and input have the same shape and element size, and element i of the input is read before element i of the
/// output is written, walking forward. Its golden cases run with the input overwritten in <c>InPlaceOperatorTests</c>.
/// Kernels are matched by type, so a user's own kernel registered for the same operator is never run in place.
/// Only the main subgraph shares: other subgraphs' buffers are alive during every step of the plan anyway.
/// </remarks>
internal static class BufferSharing
{
    /// <summary>Kernels that copy their input's bytes unchanged; a copy onto itself is a no-op.</summary>
    public static bool Aliasing(IKernel kernel) => kernel is Reshape or Squeeze or ExpandDims;

    /// <summary>
    /// Kernels proven alias-safe for an input of the output's shape and type: the unary ones through
    /// ElementwiseDriver.Unary, the binary ones through FastBinaryNode (forward int8 and int32 vector loops, the flat and
    /// broadcast reference walks, in which an input of the output's full shape is read at the output's own index).
    /// </summary>
    public static bool InPlace(IKernel kernel) => kernel is Add or Sub or Mul or Relu or Relu6 or Logistic or Tanh or Abs or LeakyRelu;

    /// <summary>
    /// Groups the requests of <paramref name="requests"/> that share bytes: <c>group[i]</c> is the request whose buffer
    /// request i uses (itself when it has its own), <c>kinds[i]</c> how it came to share. Requests with a fixed offset,
    /// no bytes, or outside the main subgraph keep their own. <paramref name="inputsMayBeOverwritten"/> lets in-place
    /// operators write over the subgraph's inputs; <paramref name="aliasOnly"/> restricts sharing to RESHAPE (the one
    /// TFLM's kernels are written to accept: its RESHAPE skips the copy when input and output are the same bytes).
    /// </summary>
    public static int[] Find(InterpreterGraph graph, List<PlannedRegion.Request> requests,
        bool inputsMayBeOverwritten, out byte[] kinds, bool aliasOnly = false)
    {
        var group = new int[requests.Count];
        // Kinds as bytes, not an enum array: an array of an enum makes NativeAOT carry the enum's boxed form and with it
        // the framework's reflection-based enum formatting (about 100 KB).
        var kindOf = new byte[requests.Count];
        kinds = kindOf;
        for (int i = 0; i < group.Length; i++) group[i] = i;
        if (graph.SubgraphCount == 0 || graph.NodeCount(0) == 0) return group;

        // The request of each main-subgraph tensor that can share (-1: none), and per group root its lifetime and whether
        // it holds a subgraph input or output.
        var requestOf = new int[graph.TensorCount(0)];
        Array.Fill(requestOf, -1);
        var last = new int[requests.Count];
        var holdsInput = new bool[requests.Count];
        var holdsOutput = new bool[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            PlannedRegion.Request r = requests[i];
            last[i] = r.LastUse;
            if (r.Kind == PlannedRegion.Kind.Tensor && r.Subgraph == 0 && r.FixedOffset < 0 && r.Size > 0) requestOf[r.Index] = i;
        }
        Subgraph main = graph.Model.Subgraphs[0];
        foreach (int t in main.Inputs) if (requestOf[t] >= 0) holdsInput[requestOf[t]] = true;
        foreach (int t in main.Outputs) if (requestOf[t] >= 0) holdsOutput[requestOf[t]] = true;

        for (int step = 0; step < graph.NodeCount(0); step++)
        {
            int node = graph.NodeStart(0) + step;
            IKernel kernel = graph.Nodes[node].Kernel;
            ReadOnlySpan<int> outputs = graph.Outputs(node);
            if (outputs.Length != 1 || outputs[0] < 0 || requestOf[outputs[0]] < 0) continue;
            int output = requestOf[outputs[0]];
            ReadOnlySpan<int> inputs = graph.Inputs(node);
            if (Aliasing(kernel) && (!aliasOnly || kernel is Reshape))
            {
                if (inputs.Length == 0 || inputs[0] < 0 || requestOf[inputs[0]] < 0) continue;
                if (graph.Tensors[inputs[0]].ByteCount != graph.Tensors[outputs[0]].ByteCount) continue;
                Join(requestOf[inputs[0]], output, BufferSharingKind.Alias);
            }
            else if (!aliasOnly && InPlace(kernel))
            {
                foreach (int input in inputs)
                {
                    if (input < 0 || requestOf[input] < 0) continue;
                    int root = group[requestOf[input]];
                    // Every tensor in the input's group is read for the last time here and nobody outside sees it after.
                    if (last[root] != step || holdsOutput[root] || (holdsInput[root] && !inputsMayBeOverwritten)) continue;
                    if (graph.Tensors[input].Type != graph.Tensors[outputs[0]].Type
                        || !graph.Shape(input).SequenceEqual(graph.Shape(outputs[0]))) continue;
                    Join(requestOf[input], output, BufferSharingKind.InPlace);
                    break;
                }
            }
        }
        return group;

        void Join(int member, int joining, BufferSharingKind kind)
        {
            int root = group[member];
            group[joining] = root;
            kindOf[joining] = (byte)kind;
            last[root] = Math.Max(last[root], last[joining]);
            holdsInput[root] |= holdsInput[joining];
            holdsOutput[root] |= holdsOutput[joining];
        }
    }
}
