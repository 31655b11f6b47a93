namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Multiply-adds a model's convolution, depthwise, fully connected, transpose-convolution and batch-matmul layers
/// perform per invoke (read from the tensors' shapes), for the GMAC/s column; other ops count as none.
/// </summary>
public static class MultiplyAddCount
{
    public static long Of(Model model)
    {
        long total = 0;
        Subgraph graph = model.Subgraphs[0];
        foreach (ModelOperator op in graph.Operators)
        {
            if (op.Inputs.Length < 2 || op.Outputs.Length < 1 || op.Inputs[1] < 0) continue;
            ReadOnlySpan<int> weights = graph.Tensors[op.Inputs[1]].Shape;
            long outputs = graph.Tensors[op.Outputs[0]].ElementCount;
            total += op.Code.BuiltinCode switch
            {
                // Each output value sums filter height x width x (input channels per group).
                BuiltinOperator.Conv2D when weights.Length == 4 => outputs * weights[1] * weights[2] * weights[3],
                BuiltinOperator.DepthwiseConv2D when weights.Length == 4 => outputs * weights[1] * weights[2],
                BuiltinOperator.FullyConnected when weights.Length >= 2 => outputs * weights[^1],
                BuiltinOperator.TransposeConv when weights.Length == 4 => graph.Tensors[op.Inputs[2]].ElementCount * weights[0] * weights[1] * weights[2],
                BuiltinOperator.BatchMatmul => outputs * graph.Tensors[op.Inputs[0]].Shape[^1],
                _ => 0,
            };
        }
        return total;
    }
}
