namespace TfLiteMicro.Kernels;

/// <summary>
/// Per-channel requantization multipliers and shifts, kept in one buffer of the arena's persistent part (as TFLM keeps
/// them) rather than in the kernel object: multipliers first, then shifts.
/// </summary>
internal readonly struct PersistentChannelScales
{
    private readonly int _handle;

    private PersistentChannelScales(int handle, int channels)
    {
        _handle = handle;
        Channels = channels;
    }

    public int Channels { get; }

    public static PersistentChannelScales Allocate(PrepareContext context, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        if (shifts.Length != multipliers.Length) throw new ArgumentException("one shift per multiplier is needed");
        var both = new int[multipliers.Length * 2];
        multipliers.CopyTo(both);
        shifts.CopyTo(both.AsSpan(multipliers.Length));
        return new PersistentChannelScales(context.AllocatePersistent<int>(both), multipliers.Length);
    }

    public ReadOnlySpan<int> Multipliers(InvokeContext context) => context.Persistent<int>(_handle).Slice(0, Channels);

    public ReadOnlySpan<int> Shifts(InvokeContext context) => context.Persistent<int>(_handle).Slice(Channels, Channels);
}
