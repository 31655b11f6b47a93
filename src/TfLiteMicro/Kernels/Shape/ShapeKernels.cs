namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterShapeKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
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
