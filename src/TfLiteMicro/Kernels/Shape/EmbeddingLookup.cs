using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>EMBEDDING_LOOKUP: copies rows of a table by int32 ids; int8 tables may be dequantized to float rows.</summary>
internal sealed class EmbeddingLookup : IKernel
{
    private int _rows, _columns, _elementSize;
    private bool _dequantize;
    private float _scale;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor lookup = context.Input(0);
        Tensor value = context.Input(1);
        Tensor output = context.Output(0);
        if (lookup.Rank != 1) throw context.Error($"ids must be a vector, has shape {ShapeHelpers.Format(lookup.Shape)}");
        if (lookup.Type != TensorType.Int32) throw context.UnsupportedType("ids", lookup.Type);
        if (value.Rank < 2) throw context.Error("the table must have at least two dimensions");
        ShapeHelpers.RequireType(context, "table", value.Type, TensorType.Float32, TensorType.Int8);
        if (value.Type == TensorType.Float32) ShapeHelpers.RequireType(context, "output", output.Type, TensorType.Float32);
        else ShapeHelpers.RequireType(context, "output", output.Type, TensorType.Float32, TensorType.Int8);
        _dequantize = value.Type == TensorType.Int8 && output.Type == TensorType.Float32;
        if (_dequantize)
        {
            if (value.ZeroPoint != 0) throw context.Error($"table zero point must be 0, is {value.ZeroPoint}");
            _scale = value.Scale;
        }
        int[] shape = value.ShapeArray;
        shape[0] = lookup.Dim(0);
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        _rows = value.Dim(0);
        _columns = _rows == 0 ? 0 : value.ElementCount / _rows;
        _elementSize = TensorTypes.ElementSize(value.Type);
    }

    public void Invoke(InvokeContext context)
    {
        if (_rows == 0) return;
        ReadOnlySpan<int> ids = context.Input<int>(0);
        ReadOnlySpan<byte> table = context.Input<byte>(1);
        Span<byte> output = context.Output<byte>(0);
        int rowBytes = _columns * _elementSize;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if (id < 0 || id >= _rows) throw context.Error($"id {id} is out of range [0, {_rows})");
            ReadOnlySpan<byte> row = table.Slice(id * rowBytes, rowBytes);
            if (!_dequantize)
            {
                row.CopyTo(output.Slice(i * rowBytes, rowBytes));
                continue;
            }
            Span<float> target = MemoryMarshal.Cast<byte, float>(output).Slice(i * _columns, _columns);
            for (int c = 0; c < _columns; c++) target[c] = _scale * (sbyte)row[c];
        }
    }
}
