using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The shared part of PAD and PADV2: the output is filled with the pad value, then the input is copied into its
/// interior. Paddings must be constant int32 [rank, 2] and non-negative.
/// </summary>
internal sealed class Padding
{
    private const int MaxDims = 5;
    private CopyPlan? _plan;
    private int _elementSize;
    private long _defaultValue;
    private bool _hasConstant;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 3, 1);
        Tensor input = context.Input(0);
        Tensor paddings = context.Input(1);
        Tensor? constant = context.OptionalInput(2);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        int rank = input.Rank;
        if (rank > MaxDims) throw context.Error($"input rank {rank} exceeds {MaxDims}");
        if (constant is not null)
        {
            ShapeHelpers.RequireSameType(context, input, "input", constant, "constant value");
            if (constant.ElementCount != 1) throw context.Error($"constant value must hold one element, has {constant.ElementCount}");
            if (input.Type == TensorType.Int8 && (constant.ZeroPoint != output.ZeroPoint || constant.Scale != output.Scale))
                throw context.Error("constant value quantization differs from the output's");
        }
        ShapeHelpers.RequireConstantIndices(context, paddings, "paddings");
        if (paddings.ElementCount != rank * 2 || (paddings.Rank == 2 && paddings.Dim(1) != 2))
            throw context.Error($"paddings has shape {ShapeHelpers.Format(paddings.Shape)}, expected [{rank},2]");
        int[] pads = ShapeHelpers.ReadIndices(context, paddings, "paddings");
        int[] shape = PaddedShape(context, input, pads, mirrorOffset: -1);
        int offset = 0;
        int[] outStrides;
        // The output's size is checked before its strides are computed from it.
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        outStrides = StridedCopy.RowMajorStrides(shape);
        for (int i = 0; i < rank; i++) offset += pads[2 * i] * outStrides[i];
        _elementSize = TensorTypes.ElementSize(input.Type);
        _plan = CopyPlan.Create(_elementSize, input.Shape, StridedCopy.RowMajorStrides(input.Shape), 0, input.ElementCount,
            outStrides, offset, output.ElementCount) ?? throw context.Error("padding does not fit its tensors");
        _hasConstant = constant is not null;
        if (input.Type == TensorType.Int8 && !_hasConstant)
        {
            if (output.ZeroPoint < sbyte.MinValue || output.ZeroPoint > sbyte.MaxValue) throw context.Error($"output zero point {output.ZeroPoint} is out of int8 range");
            _defaultValue = output.ZeroPoint;
        }
    }

    public void Invoke(InvokeContext context)
    {
        Span<byte> output = context.Output<byte>(0);
        ReadOnlySpan<byte> value = _hasConstant ? context.Input<byte>(2) : default;
        switch (_elementSize)
        {
            case 1: output.Fill(_hasConstant ? value[0] : (byte)(sbyte)_defaultValue); break;
            case 2: MemoryMarshal.Cast<byte, short>(output).Fill(_hasConstant ? MemoryMarshal.Read<short>(value) : (short)_defaultValue); break;
            default: MemoryMarshal.Cast<byte, int>(output).Fill(_hasConstant ? MemoryMarshal.Read<int>(value) : (int)_defaultValue); break;
        }
        _plan!.Run(context.Input<byte>(0), output);
    }

    /// <summary>
    /// The shape of <paramref name="input"/> padded by <paramref name="pads"/> (before and after, per dimension), for PAD,
    /// PADV2 and MIRROR_PAD: every padding non-negative and, when mirrored (<paramref name="mirrorOffset"/> 1 for REFLECT,
    /// 0 for SYMMETRIC; -1 for a constant value), at most the dimension minus that offset; a size past int is an error.
    /// </summary>
    public static int[] PaddedShape(PrepareContext context, Tensor input, ReadOnlySpan<int> pads, int mirrorOffset)
    {
        var shape = new int[input.Rank];
        for (int d = 0; d < shape.Length; d++)
        {
            int n = input.Dim(d), before = pads[2 * d], after = pads[2 * d + 1];
            if (before < 0 || after < 0)
                throw context.Error(mirrorOffset < 0 ? $"paddings {ShapeHelpers.Format(pads)} hold a negative value" : OutOfRange(d, n, before, after));
            if (mirrorOffset >= 0 && (before > n - mirrorOffset || after > n - mirrorOffset)) throw context.Error(OutOfRange(d, n, before, after));
            long size = (long)n + before + after;
            if (size > int.MaxValue) throw context.Error($"dimension {d} padded to {size} elements is larger than a tensor can hold");
            shape[d] = (int)size;
        }
        return shape;
    }

    private static string OutOfRange(int d, int n, int before, int after) => $"paddings ({before}, {after}) are out of range for dimension {d} of size {n} in this mode";
}
