using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the shape, gather, reduction and layout kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    /// <summary>Registers the ARG_MAX kernel.</summary>
    public OpResolver AddArgMax() => Add(BuiltinOperator.ArgMax, static () => new ArgMax());

    /// <summary>Registers the ARG_MIN kernel.</summary>
    public OpResolver AddArgMin() => Add(BuiltinOperator.ArgMin, static () => new ArgMin());

    /// <summary>Registers the BATCH_TO_SPACE_ND kernel.</summary>
    public OpResolver AddBatchToSpaceNd() => Add(BuiltinOperator.BatchToSpaceNd, static () => new BatchToSpaceNd());

    /// <summary>Registers the CUMSUM kernel.</summary>
    public OpResolver AddCumsum() => Add(BuiltinOperator.Cumsum, static () => new CumSum());

    /// <summary>Registers the DEPTH_TO_SPACE kernel.</summary>
    public OpResolver AddDepthToSpace() => Add(BuiltinOperator.DepthToSpace, static () => new DepthToSpace());

    /// <summary>Registers the DYNAMIC_UPDATE_SLICE kernel.</summary>
    public OpResolver AddDynamicUpdateSlice() => Add(BuiltinOperator.DynamicUpdateSlice, static () => new DynamicUpdateSlice());

    /// <summary>Registers the EMBEDDING_LOOKUP kernel.</summary>
    public OpResolver AddEmbeddingLookup() => Add(BuiltinOperator.EmbeddingLookup, static () => new EmbeddingLookup());

    /// <summary>Registers the GATHER kernel.</summary>
    public OpResolver AddGather() => Add(BuiltinOperator.Gather, static () => new Gather());

    /// <summary>Registers the GATHER_ND kernel.</summary>
    public OpResolver AddGatherNd() => Add(BuiltinOperator.GatherNd, static () => new GatherNd());

    /// <summary>Registers the MEAN kernel.</summary>
    public OpResolver AddMean() => Add(BuiltinOperator.Mean, static () => new Mean());

    /// <summary>Registers the MIRROR_PAD kernel.</summary>
    public OpResolver AddMirrorPad() => Add(BuiltinOperator.MirrorPad, static () => new MirrorPad());

    /// <summary>Registers the PAD kernel.</summary>
    public OpResolver AddPad() => Add(BuiltinOperator.Pad, static () => new Pad());

    /// <summary>Registers the PADV2 kernel.</summary>
    public OpResolver AddPadv2() => Add(BuiltinOperator.Padv2, static () => new PadV2());

    /// <summary>Registers the REDUCE_ALL kernel.</summary>
    public OpResolver AddReduceAll() => Add(BuiltinOperator.ReduceAll, static () => new ReduceAll());

    /// <summary>Registers the REDUCE_MAX kernel.</summary>
    public OpResolver AddReduceMax() => Add(BuiltinOperator.ReduceMax, static () => new ReduceMax());

    /// <summary>Registers the REDUCE_MIN kernel.</summary>
    public OpResolver AddReduceMin() => Add(BuiltinOperator.ReduceMin, static () => new ReduceMin());

    /// <summary>Registers the RESIZE_BILINEAR kernel.</summary>
    public OpResolver AddResizeBilinear() => Add(BuiltinOperator.ResizeBilinear, static () => new ResizeBilinear());

    /// <summary>Registers the RESIZE_NEAREST_NEIGHBOR kernel.</summary>
    public OpResolver AddResizeNearestNeighbor() => Add(BuiltinOperator.ResizeNearestNeighbor, static () => new ResizeNearestNeighbor());

    /// <summary>Registers the SPACE_TO_BATCH_ND kernel.</summary>
    public OpResolver AddSpaceToBatchNd() => Add(BuiltinOperator.SpaceToBatchNd, static () => new SpaceToBatchNd());

    /// <summary>Registers the SPACE_TO_DEPTH kernel.</summary>
    public OpResolver AddSpaceToDepth() => Add(BuiltinOperator.SpaceToDepth, static () => new SpaceToDepth());

    /// <summary>Registers the SUM kernel.</summary>
    public OpResolver AddSum() => Add(BuiltinOperator.Sum, static () => new Sum());

    /// <summary>Registers the BROADCAST_ARGS kernel.</summary>
    public OpResolver AddBroadcastArgs() => Add(BuiltinOperator.BroadcastArgs, static () => new BroadcastArgs());

    /// <summary>Registers the BROADCAST_TO kernel.</summary>
    public OpResolver AddBroadcastTo() => Add(BuiltinOperator.BroadcastTo, static () => new BroadcastTo());

    /// <summary>Registers the CAST kernel.</summary>
    public OpResolver AddCast() => Add(BuiltinOperator.Cast, static () => new Cast());

    /// <summary>Registers the CONCATENATION kernel.</summary>
    public OpResolver AddConcatenation() => Add(BuiltinOperator.Concatenation, static () => new Concatenation());

    /// <summary>Registers the EXPAND_DIMS kernel.</summary>
    public OpResolver AddExpandDims() => Add(BuiltinOperator.ExpandDims, static () => new ExpandDims());

    /// <summary>Registers the FILL kernel.</summary>
    public OpResolver AddFill() => Add(BuiltinOperator.Fill, static () => new Fill());

    /// <summary>Registers the PACK kernel.</summary>
    public OpResolver AddPack() => Add(BuiltinOperator.Pack, static () => new Pack());

    /// <summary>Registers the REVERSE_V2 kernel.</summary>
    public OpResolver AddReverseV2() => Add(BuiltinOperator.ReverseV2, static () => new ReverseV2());

    /// <summary>Registers the SHAPE kernel.</summary>
    public OpResolver AddShape() => Add(BuiltinOperator.Shape, static () => new ShapeOp());

    /// <summary>Registers the SLICE kernel.</summary>
    public OpResolver AddSlice() => Add(BuiltinOperator.Slice, static () => new Slice());

    /// <summary>Registers the SPLIT kernel.</summary>
    public OpResolver AddSplit() => Add(BuiltinOperator.Split, static () => new Split());

    /// <summary>Registers the SPLIT_V kernel.</summary>
    public OpResolver AddSplitV() => Add(BuiltinOperator.SplitV, static () => new SplitV());

    /// <summary>Registers the SQUEEZE kernel.</summary>
    public OpResolver AddSqueeze() => Add(BuiltinOperator.Squeeze, static () => new Squeeze());

    /// <summary>Registers the STRIDED_SLICE kernel.</summary>
    public OpResolver AddStridedSlice() => Add(BuiltinOperator.StridedSlice, static () => new StridedSlice());

    /// <summary>Registers the TRANSPOSE kernel.</summary>
    public OpResolver AddTranspose() => Add(BuiltinOperator.Transpose, static () => new Transpose());

    /// <summary>Registers the UNPACK kernel.</summary>
    public OpResolver AddUnpack() => Add(BuiltinOperator.Unpack, static () => new Unpack());
}
