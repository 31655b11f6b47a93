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
        var shape = new int[rank];
        int offset = 0;
        int[] outStrides;
        for (int i = 0; i < rank; i++)
        {
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) throw context.Error($"paddings {ShapeHelpers.Format(pads)} hold a negative value");
            long size = (long)input.Dim(i) + pads[2 * i] + pads[2 * i + 1];
            if (size > int.MaxValue) throw context.Error($"dimension {i} padded to {size} elements is larger than a tensor can hold");
            shape[i] = (int)size;
        }
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
}
