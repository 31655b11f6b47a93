namespace TfLiteMicro.Kernels;

/// <summary>REDUCE_MIN over the axes of an int32 axis tensor: float32, and int8 with equal input/output quantization.</summary>
internal sealed class ReduceMin() : MinOrMax<MinFloat, MinInt8>(float.MaxValue, sbyte.MaxValue);
