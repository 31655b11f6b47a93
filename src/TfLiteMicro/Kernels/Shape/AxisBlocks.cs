namespace TfLiteMicro.Kernels;

/// <summary>The element counts before and after an axis (the outer and inner sizes of the ops that work along one axis).</summary>
internal static class AxisBlocks
{
    public static int Outer(ReadOnlySpan<int> shape, int axis)
    {
        int p = 1;
        for (int i = 0; i < axis; i++) p *= shape[i];
        return p;
    }

    public static int Inner(ReadOnlySpan<int> shape, int axis)
    {
        int p = 1;
        for (int i = axis + 1; i < shape.Length; i++) p *= shape[i];
        return p;
    }
}
