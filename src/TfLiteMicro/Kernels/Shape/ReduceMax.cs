namespace TfLiteMicro.Kernels;

/// <summary>REDUCE_MAX over the axes of an int32 axis tensor: float32, and int8 with equal input/output quantization.</summary>
internal sealed class ReduceMax() : MinOrMax<MaxFloat, MaxInt8>(float.MinValue, sbyte.MinValue);
