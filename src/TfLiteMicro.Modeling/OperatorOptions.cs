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

    /// <summary>FullyConnectedOptions.</summary>
    public static OperatorOptions FullyConnected(FusedActivation activation = FusedActivation.None, bool keepNumDims = false) =>
        Create(OptionsSchema.FullyConnectedOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction, (byte)activation);
            if (keepNumDims) w.Bool(OptionsSchema.FullyConnectedOptions.KeepNumDims, true);
        });

    /// <summary>Conv2DOptions. Padding: 0 = SAME, 1 = VALID.</summary>
    public static OperatorOptions Conv2D(byte padding, int strideW, int strideH, FusedActivation activation = FusedActivation.None,
        int dilationW = 1, int dilationH = 1) =>
        Create(OptionsSchema.Conv2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.Conv2DOptions.Padding, padding);
            w.Int32(OptionsSchema.Conv2DOptions.StrideW, strideW);
            w.Int32(OptionsSchema.Conv2DOptions.StrideH, strideH);
            w.Byte(OptionsSchema.Conv2DOptions.FusedActivationFunction, (byte)activation);
            w.Int32(OptionsSchema.Conv2DOptions.DilationWFactor, dilationW);
            w.Int32(OptionsSchema.Conv2DOptions.DilationHFactor, dilationH);
        });

    /// <summary>DepthwiseConv2DOptions. Padding: 0 = SAME, 1 = VALID.</summary>
    public static OperatorOptions DepthwiseConv2D(byte padding, int strideW, int strideH, int depthMultiplier,
        FusedActivation activation = FusedActivation.None, int dilationW = 1, int dilationH = 1) =>
        Create(OptionsSchema.DepthwiseConv2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.DepthwiseConv2DOptions.Padding, padding);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.StrideW, strideW);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.StrideH, strideH);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DepthMultiplier, depthMultiplier);
            w.Byte(OptionsSchema.DepthwiseConv2DOptions.FusedActivationFunction, (byte)activation);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DilationWFactor, dilationW);
            w.Int32(OptionsSchema.DepthwiseConv2DOptions.DilationHFactor, dilationH);
        });

    /// <summary>Pool2DOptions, for AVERAGE_POOL_2D and MAX_POOL_2D. Padding: 0 = SAME, 1 = VALID.</summary>
    public static OperatorOptions Pool2D(byte padding, int strideW, int strideH, int filterWidth, int filterHeight,
        FusedActivation activation = FusedActivation.None) =>
        Create(OptionsSchema.Pool2DOptions.UnionType, w =>
        {
            w.Byte(OptionsSchema.Pool2DOptions.Padding, padding);
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

    /// <summary>ReshapeOptions.</summary>
    public static OperatorOptions Reshape(params int[] newShape) => Create(OptionsSchema.ReshapeOptions.UnionType, w => w.Int32Array(OptionsSchema.ReshapeOptions.NewShape, newShape));

    /// <summary>MulOptions.</summary>
    public static OperatorOptions Mul(FusedActivation activation = FusedActivation.None) => Create(OptionsSchema.MulOptions.UnionType, w => w.Byte(OptionsSchema.MulOptions.FusedActivationFunction, (byte)activation));
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
