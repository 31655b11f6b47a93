namespace TfLiteMicro.Kernels;

/// <summary>
/// A per-element function of one value, as a struct so the driver's loop is specialised and inlined for it
/// (the style of .NET's TensorPrimitives operators). Parameters it needs live in its fields.
/// </summary>
internal interface IUnaryOperator<TIn, TOut>
{
    TOut Invoke(TIn x);
}

/// <summary>A per-element function of two values, possibly of different types, applied with broadcasting.</summary>
internal interface IMixedBinaryOperator<TA, TB, TOut>
{
    TOut Invoke(TA a, TB b);
}

/// <summary>A per-element function of two values of one type (arithmetic, comparison, logical), applied with broadcasting.</summary>
internal interface IBinaryOperator<TIn, TOut> : IMixedBinaryOperator<TIn, TIn, TOut>;
