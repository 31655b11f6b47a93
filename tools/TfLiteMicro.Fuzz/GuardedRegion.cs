using System.Runtime.InteropServices;

namespace TfLiteMicro.Fuzz;

/// <summary>
/// Native memory with a no-access page on each side, so that a read or write just outside it faults instead of
/// touching other data. The usable bytes are placed against the trailing guard page; <see cref="Protect"/> makes
/// them read-only (the model) or writable again (to place the next mutant).
/// </summary>
internal sealed unsafe class GuardedRegion : IDisposable
{
    private readonly byte* _base;
    private readonly nuint _total;
    private readonly nuint _pageSize;

    public GuardedRegion(int capacity)
    {
        _pageSize = (nuint)Environment.SystemPageSize;
        nuint dataBytes = ((nuint)Math.Max(capacity, 1) + _pageSize - 1) / _pageSize * _pageSize;
        _total = dataBytes + 2 * _pageSize;
        _base = NativePages.Reserve(_total);
        Data = _base + _pageSize;
        DataLength = (int)dataBytes;
        NativePages.Protect(Data, dataBytes, writable: true);
    }

    /// <summary>The first usable byte (just after the leading guard page).</summary>
    public byte* Data { get; }

    /// <summary>Usable bytes: the capacity rounded up to whole pages.</summary>
    public int DataLength { get; }

    /// <summary>The last <paramref name="length"/> usable bytes, ending at the trailing guard page.</summary>
    public byte* Tail(int length) => Data + DataLength - length;

    public void Protect(bool writable) => NativePages.Protect(Data, (nuint)DataLength, writable);

    public void Dispose() => NativePages.Release(_base, _total);
}

/// <summary>Page reservation and protection: mmap/mprotect on Unix, VirtualAlloc/VirtualProtect on Windows.</summary>
internal static unsafe partial class NativePages
{
    public static byte* Reserve(nuint bytes)
    {
        if (OperatingSystem.IsWindows())
        {
            void* p = VirtualAlloc(null, bytes, 0x1000 | 0x2000 /* MEM_COMMIT | MEM_RESERVE */, 0x01 /* PAGE_NOACCESS */);
            if (p == null) throw new OutOfMemoryException($"VirtualAlloc of {bytes} bytes failed");
            return (byte*)p;
        }
        int anonymous = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x1000 : 0x20;
        void* q = mmap(null, bytes, 0 /* PROT_NONE */, 0x02 /* MAP_PRIVATE */ | anonymous, -1, 0);
        if (q == (void*)-1) throw new OutOfMemoryException($"mmap of {bytes} bytes failed");
        return (byte*)q;
    }

    public static void Protect(byte* start, nuint bytes, bool writable)
    {
        if (OperatingSystem.IsWindows())
        {
            if (!VirtualProtect(start, bytes, writable ? 0x04u : 0x02u /* PAGE_READWRITE : PAGE_READONLY */, out _))
                throw new InvalidOperationException("VirtualProtect failed");
            return;
        }
        if (mprotect(start, bytes, writable ? 0x3 : 0x1) != 0)
            throw new InvalidOperationException("mprotect failed");
    }

    public static void Release(byte* start, nuint bytes)
    {
        if (OperatingSystem.IsWindows()) VirtualFree(start, 0, 0x8000 /* MEM_RELEASE */);
        else munmap(start, bytes);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("kernel32", SetLastError = true)]
    private static partial void* VirtualAlloc(void* address, nuint size, uint type, uint protection);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualProtect(void* address, nuint size, uint protection, out uint old);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualFree(void* address, nuint size, uint type);
}
