namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterShapeKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        table[BuiltinOperator.ArgMax] = static () => new ArgMax();
        table[BuiltinOperator.ArgMin] = static () => new ArgMin();
        table[BuiltinOperator.BatchToSpaceNd] = static () => new BatchToSpaceNd();
        table[BuiltinOperator.Cumsum] = static () => new CumSum();
        table[BuiltinOperator.DepthToSpace] = static () => new DepthToSpace();
        table[BuiltinOperator.DynamicUpdateSlice] = static () => new DynamicUpdateSlice();
        table[BuiltinOperator.EmbeddingLookup] = static () => new EmbeddingLookup();
        table[BuiltinOperator.Gather] = static () => new Gather();
        table[BuiltinOperator.GatherNd] = static () => new GatherNd();
        table[BuiltinOperator.Mean] = static () => new Mean();
        table[BuiltinOperator.MirrorPad] = static () => new MirrorPad();
        table[BuiltinOperator.Pad] = static () => new Pad();
        table[BuiltinOperator.Padv2] = static () => new PadV2();
        table[BuiltinOperator.ReduceAll] = static () => new ReduceAll();
        table[BuiltinOperator.ReduceMax] = static () => new ReduceMax();
        table[BuiltinOperator.ReduceMin] = static () => new ReduceMin();
        table[BuiltinOperator.ResizeBilinear] = static () => new ResizeBilinear();
        table[BuiltinOperator.ResizeNearestNeighbor] = static () => new ResizeNearestNeighbor();
        table[BuiltinOperator.SpaceToBatchNd] = static () => new SpaceToBatchNd();
        table[BuiltinOperator.SpaceToDepth] = static () => new SpaceToDepth();
        table[BuiltinOperator.Sum] = static () => new Sum();
        table[BuiltinOperator.BroadcastArgs] = static () => new BroadcastArgs();
        table[BuiltinOperator.BroadcastTo] = static () => new BroadcastTo();
        table[BuiltinOperator.Cast] = static () => new Cast();
        table[BuiltinOperator.Concatenation] = static () => new Concatenation();
        table[BuiltinOperator.ExpandDims] = static () => new ExpandDims();
        table[BuiltinOperator.Fill] = static () => new Fill();
        table[BuiltinOperator.Pack] = static () => new Pack();
        table[BuiltinOperator.ReverseV2] = static () => new ReverseV2();
        table[BuiltinOperator.Shape] = static () => new ShapeOp();
        table[BuiltinOperator.Slice] = static () => new Slice();
        table[BuiltinOperator.Split] = static () => new Split();
        table[BuiltinOperator.SplitV] = static () => new SplitV();
        table[BuiltinOperator.Squeeze] = static () => new Squeeze();
        table[BuiltinOperator.StridedSlice] = static () => new StridedSlice();
        table[BuiltinOperator.Transpose] = static () => new Transpose();
        table[BuiltinOperator.Unpack] = static () => new Unpack();
    }
}
