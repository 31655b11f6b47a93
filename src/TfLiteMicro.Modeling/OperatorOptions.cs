using TfLiteMicro.Kernels;

namespace TfLiteMicro.Modeling;

/// <summary>
/// An operator's builtin options table: the schema's union tag and the table's fields by index
/// (fields are numbered in declaration order from 0, as in the schema's options tables).
/// Instances are immutable once created and can be shared between operators.
/// </summary>
public sealed class OperatorOptions
{
    private OperatorOptions(byte unionType, bool isOptions2, OptionsTableWriter fields)
    {
        UnionType = unionType;
        IsOptions2 = isOptions2;
        Fields = fields.Fields;
    }

    /// <summary>The schema's union tag (e.g. 8 for FullyConnectedOptions in BuiltinOptions).</summary>
    public byte UnionType { get; }

    /// <summary>True for the schema's second union (builtin_options_2, the StableHLO options).</summary>
    public bool IsOptions2 { get; }

    internal IReadOnlyList<OptionsField> Fields { get; }

    /// <summary>
    /// Options of any operator: <paramref name="unionType"/> is the table's position in the schema's
    /// <c>BuiltinOptions</c> union (1-based); <paramref name="write"/> sets the fields by index.
    /// </summary>
    public static OperatorOptions Create(byte unionType, Action<OptionsTableWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (unionType == 0) throw new ArgumentOutOfRangeException(nameof(unionType), "union type 0 means no options");
        var writer = new OptionsTableWriter();
        write(writer);
        return new OperatorOptions(unionType, false, writer);
    }

    /// <summary>Options in the schema's second union, <c>BuiltinOptions2</c> (1-based position).</summary>
    public static OperatorOptions Create2(byte unionType, Action<OptionsTableWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (unionType == 0) throw new ArgumentOutOfRangeException(nameof(unionType), "union type 0 means no options");
        var writer = new OptionsTableWriter();
        write(writer);
        return new OperatorOptions(unionType, true, writer);
    }

    /// <summary>FullyConnectedOptions; <paramref name="quantizedBiasType"/> is written only when given (int16 models without a bias).</summary>
    public static OperatorOptions FullyConnected(FusedActivation activation = FusedActivation.None, bool keepNumDims = false,
        TensorType? quantizedBiasType = null) =>
        Create(OptionsSchema.FullyConnectedOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction, (byte)activation);
            if (keepNumDims) w.Bool(OptionsSchema.FullyConnectedOptions.KeepNumDims, true);
            if (quantizedBiasType is { } biasType) w.Byte(OptionsSchema.FullyConnectedOptions.QuantizedBiasType, (byte)biasType);
        });

    /// <summary>Conv2DOptions; <paramref name="quantizedBiasType"/> is written only when given.</summary>
    public static OperatorOptions Conv2D(PaddingKind padding, int strideW, int strideH, FusedActivation activation = FusedActivation.None,
        int dilationW = 1, int dilationH = 1, TensorType? quantizedBiasType = null) =>
        Create(OptionsSchema.Conv2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.Conv2DOptions.Padding, (byte)padding);
            w.Int32(OptionsSchema.Conv2DOptions.StrideW, strideW);
            w.Int32(OptionsSchema.Conv2DOptions.StrideH, strideH);
            w.Byte(OptionsSchema.Conv2DOptions.FusedActivationFunction, (byte)activation);
            w.Int32(OptionsSchema.Conv2DOptions.DilationWFactor, dilationW);
            w.Int32(OptionsSchema.Conv2DOptions.DilationHFactor, dilationH);
            if (quantizedBiasType is { } biasType) w.Byte(OptionsSchema.Conv2DOptions.QuantizedBiasType, (byte)biasType);
        });

    /// <summary>DepthwiseConv2DOptions.</summary>
    public static OperatorOptions DepthwiseConv2D(PaddingKind padding, int strideW, int strideH, int depthMultiplier,
        FusedActivation activation = FusedActivation.None, int dilationW = 1, int dilationH = 1) =>
        Create(OptionsSchema.DepthwiseConv2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.DepthwiseConv2DOptions.Padding, (byte)padding);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.StrideW, strideW);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.StrideH, strideH);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DepthMultiplier, depthMultiplier);
            w.Byte(OptionsSchema.DepthwiseConv2DOptions.FusedActivationFunction, (byte)activation);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DilationWFactor, dilationW);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DilationHFactor, dilationH);
        });

    /// <summary>Pool2DOptions, for AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D.</summary>
    public static OperatorOptions Pool2D(PaddingKind padding, int strideW, int strideH, int filterWidth, int filterHeight,
        FusedActivation activation = FusedActivation.None) =>
        Create(OptionsSchema.Pool2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.Pool2DOptions.Padding, (byte)padding);
            w.Int32(OptionsSchema.Pool2DOptions.StrideW, strideW);
            w.Int32(OptionsSchema.Pool2DOptions.StrideH, strideH);
            w.Int32(OptionsSchema.Pool2DOptions.FilterWidth, filterWidth);
            w.Int32(OptionsSchema.Pool2DOptions.FilterHeight, filterHeight);
            w.Byte(OptionsSchema.Pool2DOptions.FusedActivationFunction, (byte)activation);
        });

    /// <summary>SoftmaxOptions.</summary>
    public static OperatorOptions Softmax(float beta = 1f) => Create(OptionsSchema.SoftmaxOptions.UnionType, w => w.Float(OptionsSchema.SoftmaxOptions.Beta, beta));

    /// <summary>ConcatenationOptions.</summary>
    public static OperatorOptions Concatenation(int axis, FusedActivation activation = FusedActivation.None) =>
        Create(OptionsSchema.ConcatenationOptions.UnionType, w =>
        {
            w.Int32(OptionsSchema.ConcatenationOptions.Axis, axis);
            w.Byte(OptionsSchema.ConcatenationOptions.FusedActivationFunction, (byte)activation);
        });

    /// <summary>AddOptions.</summary>
    public static OperatorOptions Add(FusedActivation activation = FusedActivation.None) => Create(OptionsSchema.AddOptions.UnionType, w => w.Byte(OptionsSchema.AddOptions.FusedActivationFunction, (byte)activation));

    /// <summary>SubOptions.</summary>
    public static OperatorOptions Sub(FusedActivation activation = FusedActivation.None) => Create(OptionsSchema.SubOptions.UnionType, w => w.Byte(OptionsSchema.SubOptions.FusedActivationFunction, (byte)activation));

    /// <summary>MulOptions.</summary>
    public static OperatorOptions Mul(FusedActivation activation = FusedActivation.None) => Create(OptionsSchema.MulOptions.UnionType, w => w.Byte(OptionsSchema.MulOptions.FusedActivationFunction, (byte)activation));

    /// <summary>DivOptions.</summary>
    public static OperatorOptions Div(FusedActivation activation = FusedActivation.None) => Create(OptionsSchema.DivOptions.UnionType, w => w.Byte(OptionsSchema.DivOptions.FusedActivationFunction, (byte)activation));

    /// <summary>LeakyReluOptions.</summary>
    public static OperatorOptions LeakyRelu(float alpha) => Create(OptionsSchema.LeakyReluOptions.UnionType, w => w.Float(OptionsSchema.LeakyReluOptions.Alpha, alpha));

    /// <summary>ReshapeOptions.</summary>
    public static OperatorOptions Reshape(params int[] newShape) => Create(OptionsSchema.ReshapeOptions.UnionType, w => w.Int32Array(OptionsSchema.ReshapeOptions.NewShape, newShape));

    /// <summary>SqueezeOptions.</summary>
    public static OperatorOptions Squeeze(params int[] squeezeDims) => Create(OptionsSchema.SqueezeOptions.UnionType, w => w.Int32Array(OptionsSchema.SqueezeOptions.SqueezeDims, squeezeDims));

    /// <summary>StridedSliceOptions: the masks are bit sets over the dimensions.</summary>
    public static OperatorOptions StridedSlice(int beginMask, int endMask, int ellipsisMask = 0, int newAxisMask = 0, int shrinkAxisMask = 0,
        bool offset = false) =>
        Create(OptionsSchema.StridedSliceOptions.UnionType, w =>
        {
            w.Int32(OptionsSchema.StridedSliceOptions.BeginMask, beginMask);
            w.Int32(OptionsSchema.StridedSliceOptions.EndMask, endMask);
            w.Int32(OptionsSchema.StridedSliceOptions.EllipsisMask, ellipsisMask);
            w.Int32(OptionsSchema.StridedSliceOptions.NewAxisMask, newAxisMask);
            w.Int32(OptionsSchema.StridedSliceOptions.ShrinkAxisMask, shrinkAxisMask);
            w.Bool(OptionsSchema.StridedSliceOptions.Offset, offset);
        });

    /// <summary>ReducerOptions, for MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD and REDUCE_ANY/ALL.</summary>
    public static OperatorOptions Reducer(bool keepDims) => Create(OptionsSchema.ReducerOptions.UnionType, w => w.Bool(OptionsSchema.ReducerOptions.KeepDims, keepDims));

    /// <summary>GatherOptions.</summary>
    public static OperatorOptions Gather(int axis, int batchDims = 0) =>
        Create(OptionsSchema.GatherOptions.UnionType, w => w.Int32(OptionsSchema.GatherOptions.Axis, axis).Int32(OptionsSchema.GatherOptions.BatchDims, batchDims));

    /// <summary>ResizeBilinearOptions.</summary>
    public static OperatorOptions ResizeBilinear(bool alignCorners = false, bool halfPixelCenters = false) =>
        Create(OptionsSchema.ResizeBilinearOptions.UnionType, w => w
            .Bool(OptionsSchema.ResizeBilinearOptions.AlignCorners, alignCorners)
            .Bool(OptionsSchema.ResizeBilinearOptions.HalfPixelCenters, halfPixelCenters));

    /// <summary>ResizeNearestNeighborOptions.</summary>
    public static OperatorOptions ResizeNearestNeighbor(bool alignCorners = false, bool halfPixelCenters = false) =>
        Create(OptionsSchema.ResizeNearestNeighborOptions.UnionType, w => w
            .Bool(OptionsSchema.ResizeNearestNeighborOptions.AlignCorners, alignCorners)
            .Bool(OptionsSchema.ResizeNearestNeighborOptions.HalfPixelCenters, halfPixelCenters));

    /// <summary>CumsumOptions.</summary>
    public static OperatorOptions Cumsum(bool exclusive = false, bool reverse = false) =>
        Create(OptionsSchema.CumsumOptions.UnionType, w => w
            .Bool(OptionsSchema.CumsumOptions.Exclusive, exclusive)
            .Bool(OptionsSchema.CumsumOptions.Reverse, reverse));

    /// <summary>MirrorPadOptions: mode REFLECT, or SYMMETRIC when <paramref name="symmetric"/>.</summary>
    public static OperatorOptions MirrorPad(bool symmetric) =>
        Create(OptionsSchema.MirrorPadOptions.UnionType, w => w.SByte(OptionsSchema.MirrorPadOptions.Mode, symmetric ? (sbyte)1 : (sbyte)0));

    /// <summary>DepthToSpaceOptions.</summary>
    public static OperatorOptions DepthToSpace(int blockSize) => Create(OptionsSchema.DepthToSpaceOptions.UnionType, w => w.Int32(OptionsSchema.DepthToSpaceOptions.BlockSize, blockSize));

    /// <summary>SpaceToDepthOptions.</summary>
    public static OperatorOptions SpaceToDepth(int blockSize) => Create(OptionsSchema.SpaceToDepthOptions.UnionType, w => w.Int32(OptionsSchema.SpaceToDepthOptions.BlockSize, blockSize));

    /// <summary>PackOptions.</summary>
    public static OperatorOptions Pack(int valuesCount, int axis) =>
        Create(OptionsSchema.PackOptions.UnionType, w => w.Int32(OptionsSchema.PackOptions.ValuesCount, valuesCount).Int32(OptionsSchema.PackOptions.Axis, axis));

    /// <summary>UnpackOptions.</summary>
    public static OperatorOptions Unpack(int num, int axis) =>
        Create(OptionsSchema.UnpackOptions.UnionType, w => w.Int32(OptionsSchema.UnpackOptions.Num, num).Int32(OptionsSchema.UnpackOptions.Axis, axis));

    /// <summary>SplitOptions.</summary>
    public static OperatorOptions Split(int numSplits) => Create(OptionsSchema.SplitOptions.UnionType, w => w.Int32(OptionsSchema.SplitOptions.NumSplits, numSplits));

    /// <summary>SplitVOptions.</summary>
    public static OperatorOptions SplitV(int numSplits) => Create(OptionsSchema.SplitVOptions.UnionType, w => w.Int32(OptionsSchema.SplitVOptions.NumSplits, numSplits));

    /// <summary>BatchMatMulOptions.</summary>
    public static OperatorOptions BatchMatMul(bool adjX = false, bool adjY = false, bool asymmetricQuantizeInputs = false) =>
        Create(OptionsSchema.BatchMatMulOptions.UnionType, w => w
            .Bool(OptionsSchema.BatchMatMulOptions.AdjX, adjX)
            .Bool(OptionsSchema.BatchMatMulOptions.AdjY, adjY)
            .Bool(OptionsSchema.BatchMatMulOptions.AsymmetricQuantizeInputs, asymmetricQuantizeInputs));

    /// <summary>SVDFOptions.</summary>
    public static OperatorOptions Svdf(int rank, FusedActivation activation = FusedActivation.None) =>
        Create(OptionsSchema.SVDFOptions.UnionType, w => w
            .Int32(OptionsSchema.SVDFOptions.Rank, rank)
            .Byte(OptionsSchema.SVDFOptions.FusedActivationFunction, (byte)activation));

    /// <summary>UnidirectionalSequenceLSTMOptions; a clip of 0 means no clipping.</summary>
    public static OperatorOptions UnidirectionalSequenceLstm(FusedActivation activation, float cellClip = 0f, float projClip = 0f, bool timeMajor = false) =>
        Create(OptionsSchema.UnidirectionalSequenceLSTMOptions.UnionType, w => w
            .Byte(OptionsSchema.UnidirectionalSequenceLSTMOptions.FusedActivationFunction, (byte)activation)
            .Float(OptionsSchema.UnidirectionalSequenceLSTMOptions.CellClip, cellClip)
            .Float(OptionsSchema.UnidirectionalSequenceLSTMOptions.ProjClip, projClip)
            .Bool(OptionsSchema.UnidirectionalSequenceLSTMOptions.TimeMajor, timeMajor));

    /// <summary>IfOptions: the subgraphs run when the condition is true and when it is false.</summary>
    public static OperatorOptions If(int thenSubgraph, int elseSubgraph) =>
        Create(OptionsSchema.IfOptions.UnionType, w => w
            .Int32(OptionsSchema.IfOptions.ThenSubgraphIndex, thenSubgraph)
            .Int32(OptionsSchema.IfOptions.ElseSubgraphIndex, elseSubgraph));

    /// <summary>WhileOptions: the condition and body subgraphs.</summary>
    public static OperatorOptions While(int condSubgraph, int bodySubgraph) =>
        Create(OptionsSchema.WhileOptions.UnionType, w => w
            .Int32(OptionsSchema.WhileOptions.CondSubgraphIndex, condSubgraph)
            .Int32(OptionsSchema.WhileOptions.BodySubgraphIndex, bodySubgraph));

    /// <summary>CallOnceOptions: the subgraph run on the first Invoke.</summary>
    public static OperatorOptions CallOnce(int initSubgraph) => Create(OptionsSchema.CallOnceOptions.UnionType, w => w.Int32(OptionsSchema.CallOnceOptions.InitSubgraphIndex, initSubgraph));

    /// <summary>VarHandleOptions: variables with the same container and shared name are one variable.</summary>
    public static OperatorOptions VarHandle(string sharedName, string container = "") =>
        Create(OptionsSchema.VarHandleOptions.UnionType, w => w
            .String(OptionsSchema.VarHandleOptions.Container, container)
            .String(OptionsSchema.VarHandleOptions.SharedName, sharedName));

    /// <summary>ReadVariableOptions (an empty table).</summary>
    public static OperatorOptions ReadVariable() => Create(OptionsSchema.ReadVariableOptions.UnionType, _ => { });

    /// <summary>AssignVariableOptions (an empty table).</summary>
    public static OperatorOptions AssignVariable() => Create(OptionsSchema.AssignVariableOptions.UnionType, _ => { });
}

/// <summary>Collects the fields of an options table by their schema index. Each field is written as given, defaults included.</summary>
public sealed class OptionsTableWriter
{
    internal OptionsTableWriter()
    {
    }

    internal List<OptionsField> Fields { get; } = [];

    public OptionsTableWriter Byte(int field, byte value) => Set(field, OptionsFieldKind.Byte, value);
    public OptionsTableWriter SByte(int field, sbyte value) => Set(field, OptionsFieldKind.SByte, value);
    public OptionsTableWriter Bool(int field, bool value) => Set(field, OptionsFieldKind.Bool, value ? 1 : 0);
    public OptionsTableWriter Int16(int field, short value) => Set(field, OptionsFieldKind.Int16, value);
    public OptionsTableWriter Int32(int field, int value) => Set(field, OptionsFieldKind.Int32, value);
    public OptionsTableWriter UInt32(int field, uint value) => Set(field, OptionsFieldKind.UInt32, value);
    public OptionsTableWriter Int64(int field, long value) => Set(field, OptionsFieldKind.Int64, value);

    public OptionsTableWriter Float(int field, float value) =>
        Set(field, OptionsFieldKind.Float, BitConverter.SingleToInt32Bits(value));

    /// <summary>A vector of int (e.g. ReshapeOptions.new_shape, SqueezeOptions.squeeze_dims).</summary>
    public OptionsTableWriter Int32Array(int field, ReadOnlySpan<int> values) =>
        Add(new OptionsField(field, OptionsFieldKind.Int32Array, 0, values.ToArray(), null, null));

    /// <summary>A vector of bytes (e.g. StableHLOCompositeOptions.composite_attributes).</summary>
    public OptionsTableWriter Bytes(int field, ReadOnlySpan<byte> values) =>
        Add(new OptionsField(field, OptionsFieldKind.Bytes, 0, null, values.ToArray(), null));

    public OptionsTableWriter String(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Add(new OptionsField(field, OptionsFieldKind.String, 0, null, null, value));
    }

    private OptionsTableWriter Set(int field, OptionsFieldKind kind, long value) => Add(new OptionsField(field, kind, value, null, null, null));

    private OptionsTableWriter Add(OptionsField value)
    {
        if (value.Index < 0 || value.Index > 200)
            throw new ArgumentOutOfRangeException(nameof(value), $"field index {value.Index} is not a plausible options field");
        foreach (OptionsField f in Fields)
            if (f.Index == value.Index)
                throw new ArgumentException($"options field {value.Index} is set twice");
        Fields.Add(value);
        return this;
    }
}

internal enum OptionsFieldKind
{
    Byte,
    SByte,
    Bool,
    Int16,
    Int32,
    UInt32,
    Int64,
    Float,
    Int32Array,
    Bytes,
    String,
}

internal sealed record OptionsField(int Index, OptionsFieldKind Kind, long Value, int[]? Ints, byte[]? ByteValues, string? Text);
