using System.Runtime.CompilerServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// One vector step of the integer dot products (<see cref="Int8Dot"/>, <see cref="Int16Dot"/>): <see cref="Width"/>
/// activations of a row times as many int8 weights, added to the lanes of an accumulator. Each instruction set is one
/// small struct implementing this; the loops over rows and depth are written once, in <see cref="DotSteps"/>.
/// </summary>
/// <typeparam name="TActivation">The activation element (unsigned byte or int16).</typeparam>
/// <typeparam name="TRow">A step's activations as loaded (and widened) once and shared by every weight row.</typeparam>
/// <typeparam name="TLanes">The accumulator the products are added to.</typeparam>
internal interface IDotStep<TActivation, TRow, TLanes>
    where TActivation : unmanaged
    where TRow : struct
    where TLanes : struct
{
    /// <summary>Activations one step covers.</summary>
    static abstract int Width { get; }

    /// <summary>The activations at <paramref name="d"/> (<see cref="Width"/> of them are read).</summary>
    static abstract TRow Load(ref TActivation x, int d);

    /// <summary>Adds the products of <paramref name="x"/> and the weights at <paramref name="d"/> to <paramref name="lanes"/>.</summary>
    static abstract TLanes Add(TLanes lanes, TRow x, ref sbyte w, int d);
}

/// <summary>The loops over depth of the integer dot products, written once over any <see cref="IDotStep{TActivation, TRow, TLanes}"/>.</summary>
internal static class DotSteps
{
    /// <summary>
    /// Whole steps from <paramref name="d"/> while one fits before <paramref name="end"/>, for four weight rows, each
    /// activation load shared by the four. Returns where it stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Four<TStep, TActivation, TRow, TLanes>(ref TActivation x, FourRows w, int d, int end,
        ref TLanes a0, ref TLanes a1, ref TLanes a2, ref TLanes a3)
        where TStep : struct, IDotStep<TActivation, TRow, TLanes>
        where TActivation : unmanaged
        where TRow : struct
        where TLanes : struct
    {
        TLanes l0 = a0, l1 = a1, l2 = a2, l3 = a3;
        for (; d + TStep.Width <= end; d += TStep.Width)
        {
            TRow v = TStep.Load(ref x, d);
            l0 = TStep.Add(l0, v, ref w.W0, d);
            l1 = TStep.Add(l1, v, ref w.W1, d);
            l2 = TStep.Add(l2, v, ref w.W2, d);
            l3 = TStep.Add(l3, v, ref w.W3, d);
        }
        (a0, a1, a2, a3) = (l0, l1, l2, l3);
        return d;
    }
}

/// <summary>
/// Four weight rows a dot product step reads together: rows o to o + 3 of rows depth long, where a group at the end of
/// fewer than four repeats the last row (its extra sums are not stored).
/// </summary>
internal readonly ref struct FourRows
{
    public readonly ref sbyte W0;
    public readonly ref sbyte W1;
    public readonly ref sbyte W2;
    public readonly ref sbyte W3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FourRows(ref sbyte w, int depth, int o, int n)
    {
        int last = n - 1;
        W0 = ref Unsafe.Add(ref w, Math.Min(o, last) * depth);
        W1 = ref Unsafe.Add(ref w, Math.Min(o + 1, last) * depth);
        W2 = ref Unsafe.Add(ref w, Math.Min(o + 2, last) * depth);
        W3 = ref Unsafe.Add(ref w, Math.Min(o + 3, last) * depth);
    }
}
