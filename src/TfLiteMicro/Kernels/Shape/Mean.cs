namespace TfLiteMicro.Kernels;

/// <summary>MEAN over the axes of an int32 axis tensor (keep_dims honoured): float32, int8, int16.</summary>
internal sealed class Mean() : SumOrMean(mean: true);
