namespace TfLiteMicro;

/// <summary>
/// An arena over memory you manage yourself (native, pinned, or a fixed memory region on a board), for
/// <see cref="MicroInterpreter"/>. The memory must stay valid and unmoved while the interpreter uses it.
/// </summary>
public sealed unsafe class NativeArena
{
    private readonly UnmanagedMemoryManager _manager;

    /// <summary>An arena over <paramref name="length"/> bytes at <paramref name="pointer"/>, which must stay valid and unmoved while an interpreter uses them.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pointer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public NativeArena(byte* pointer, int length)
    {
        if (pointer == null) throw new ArgumentNullException(nameof(pointer));
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        _manager = new UnmanagedMemoryManager(pointer, length);
    }

    /// <summary>The arena as <see cref="Memory{T}"/>, to pass to the interpreter.</summary>
    public Memory<byte> Memory => _manager.Memory;
}
