using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Kernels;
#endif

namespace TfLiteMicro.Compression;

/// <summary>
/// Decodes LUT-compressed tensors (<see cref="LutLayout"/>): unpacks the MSB-first bit string into one index per byte,
/// a chunk at a time, and looks each index up in its channel's value table. Values are copied as raw bits, so one
/// routine per element size serves every element type (bool and int8, int16, int32 and float32, int64).
/// With a byte shuffle (SSSE3 or Arm64): strings of any width are unpacked sixteen indices at a time, and byte tables
/// (up to 128 entries) are looked up sixteen values at a time; 4-bit and 2-bit strings over tables of up to 16 entries
/// go from bits to values in one pass. The results equal the scalar path's.
/// </summary>
internal static class LutDecoder
{
    /// <summary>Indices unpacked per step (a stack buffer).</summary>
    private const int Chunk = 256;

    /// <summary>
    /// Writes the <see cref="LutLayout.ElementCount"/> decoded values into <paramref name="destination"/>. The caller has
    /// checked the layout against the lengths (<see cref="LutLayout.Check"/>) and, where a table is shorter than 2^bits,
    /// that no index lies past it (<see cref="FindIndexPastTable"/>).
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> valueTables, in LutLayout layout, Span<byte> destination,
        bool allowSimd = true)
    {
        switch (layout.ElementSize)
        {
            case 1: Decode<byte>(encoded, valueTables, layout, destination, allowSimd); break;
            case 2: Decode<ushort>(encoded, valueTables, layout, destination, allowSimd); break;
            case 4: Decode<uint>(encoded, valueTables, layout, destination, allowSimd); break;
            case 8: Decode<ulong>(encoded, valueTables, layout, destination, allowSimd); break;
            default: throw new ArgumentException($"elements of {layout.ElementSize} bytes cannot be decoded", nameof(layout));
        }
    }

    private static void Decode<T>(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> valueTables, in LutLayout layout, Span<byte> destination,
        bool allowSimd) where T : unmanaged
    {
        int count = layout.ElementCount;
        if (count == 0) return;
        ReadOnlySpan<T> tables = MemoryMarshal.Cast<byte, T>(valueTables).Slice(0, layout.ChannelCount * layout.Stride);
        Span<T> output = MemoryMarshal.Cast<byte, T>(destination).Slice(0, count);
        int stride = layout.Stride;
        if (!layout.LastAxis)
        {
            int perChannel = count / layout.ChannelCount;
            for (int c = 0; c < layout.ChannelCount; c++)
                DecodeRun(encoded, (long)c * perChannel, layout.BitWidth, tables.Slice(c * stride, stride), output.Slice(c * perChannel, perChannel), allowSimd);
            return;
        }

        // Channels along the last axis: consecutive elements walk through the channels' tables in turn.
        Span<byte> indices = stackalloc byte[Chunk];
        int channels = layout.ChannelCount;
        int channel = 0;
        for (int done = 0; done < count; done += Chunk)
        {
            int n = Math.Min(Chunk, count - done);
            Unpack(encoded, done, layout.BitWidth, indices.Slice(0, n), allowSimd);
            for (int i = 0; i < n; i++)
            {
                output[done + i] = tables[channel * stride + indices[i]];
                if (++channel == channels) channel = 0;
            }
        }
    }

    /// <summary>Decodes a run of elements that all use one table.</summary>
    private static void DecodeRun<T>(ReadOnlySpan<byte> encoded, long firstIndex, int bitWidth, ReadOnlySpan<T> table, Span<T> output,
        bool allowSimd) where T : unmanaged
    {
        int done = 0;
#if NET8_0_OR_GREATER // netstandard2.1: no vectors, the scalar loop below
        bool byteLookup = allowSimd && typeof(T) == typeof(byte) && table.Length <= ByteShuffle.MaxTable && ByteShuffle.IsSupported;
        if (byteLookup)
        {
            Span<byte> padded = stackalloc byte[ByteShuffle.MaxTable];
            padded.Clear();
            MemoryMarshal.AsBytes(table).CopyTo(padded);
            int parts = (table.Length + 15) / 16;
            Span<byte> bytes = MemoryMarshal.AsBytes(output);
            // Whole vectors straight from the bit string where the run starts on a byte boundary.
            Vector128<byte> first = Vector128.Create((ReadOnlySpan<byte>)padded.Slice(0, 16));
            if (parts == 1 && bitWidth == 4 && (firstIndex & 1) == 0)
                done = ByteShuffle.DecodeNibbles(encoded.Slice((int)(firstIndex / 2)), first, bytes);
            else if (parts == 1 && bitWidth == 2 && (firstIndex & 3) == 0)
                done = ByteShuffle.DecodeCrumbs(encoded.Slice((int)(firstIndex / 4)), first, bytes);
            Span<byte> indices = stackalloc byte[Chunk];
            while (done < output.Length)
            {
                int n = Math.Min(Chunk, output.Length - done);
                Span<byte> chunk = indices.Slice(0, n);
                Unpack(encoded, firstIndex + done, bitWidth, chunk, allowSimd);
                ByteShuffle.Lookup(padded.Slice(0, parts * 16), chunk, bytes.Slice(done, n));
                done += n;
            }
            return;
        }
#endif

        Span<byte> scratch = stackalloc byte[Chunk];
        while (done < output.Length)
        {
            int n = Math.Min(Chunk, output.Length - done);
            Span<byte> chunk = scratch.Slice(0, n);
            Unpack(encoded, firstIndex + done, bitWidth, chunk, allowSimd);
            Span<T> to = output.Slice(done, n);
            for (int i = 0; i < chunk.Length; i++) to[i] = table[chunk[i]];
            done += n;
        }
    }

    /// <summary>
    /// The indices <paramref name="firstIndex"/> .. + <paramref name="indices"/>.Length of a bit string, one per byte.
    /// Groups of eight indices fill exactly <paramref name="bitWidth"/> bytes, so the aligned middle is read a 64-bit
    /// big-endian word at a time; the ends bit by bit.
    /// </summary>
    public static void Unpack(ReadOnlySpan<byte> encoded, long firstIndex, int bitWidth, Span<byte> indices, bool allowSimd = true)
    {
        int n = indices.Length;
        int i = 0;
        while (i < n && ((firstIndex + i) & 7) != 0)
        {
            indices[i] = Extract(encoded, (firstIndex + i) * bitWidth, bitWidth);
            i++;
        }

        long at = (firstIndex + i) / 8 * bitWidth;
#if NET8_0_OR_GREATER
        if (allowSimd && ByteShuffle.IsSupported && n - i >= 16)
        {
            int unpacked = ByteShuffle.Unpack(encoded.Slice((int)at), bitWidth, indices.Slice(i));
            i += unpacked;
            at += unpacked / 8 * bitWidth;
        }
#endif
        int mask = (1 << bitWidth) - 1;
        while (n - i >= 8 && at + 8 <= encoded.Length)
        {
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(encoded.Slice((int)at));
            Span<byte> group = indices.Slice(i, 8);
            int shift = 64;
            for (int k = 0; k < 8; k++)
            {
                shift -= bitWidth;
                group[k] = (byte)((int)(word >> shift) & mask);
            }
            i += 8;
            at += bitWidth;
        }
        for (; i < n; i++) indices[i] = Extract(encoded, (firstIndex + i) * bitWidth, bitWidth);
    }

    /// <summary>The index of <paramref name="bitWidth"/> bits starting at bit <paramref name="bit"/> (at most 7 + 7 bits, so two bytes hold it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Extract(ReadOnlySpan<byte> encoded, long bit, int bitWidth)
    {
        int at = (int)(bit >> 3);
        int pair = encoded[at] << 8 | (at + 1 < encoded.Length ? encoded[at + 1] : 0);
        return (byte)((pair >> (16 - (int)(bit & 7) - bitWidth)) & ((1 << bitWidth) - 1));
    }

    /// <summary>
    /// The first element whose index lies past its channel's table, or -1 when none does. Only tables shorter than 2^bits
    /// need this (TFLM's own compressor pads the metadata form's tables to 2^bits; DECODE's LUT tables are as long as the
    /// longest channel's).
    /// </summary>
    public static long FindIndexPastTable(ReadOnlySpan<byte> encoded, in LutLayout layout)
    {
        if (layout.TablesCoverEveryIndex) return -1;
        Span<byte> indices = stackalloc byte[Chunk];
        for (long done = 0; done < layout.ElementCount; done += Chunk)
        {
            int n = (int)Math.Min(Chunk, layout.ElementCount - done);
            Unpack(encoded, done, layout.BitWidth, indices.Slice(0, n), allowSimd: false);
            for (int i = 0; i < n; i++)
                if (indices[i] >= layout.Stride) return done + i;
        }
        return -1;
    }

#if NET8_0_OR_GREATER
    /// <summary>Byte-table lookups and nibble/crumb unpacking with one 16-byte shuffle per 16 values (SSSE3 or Arm64 TBL).</summary>
    private static class ByteShuffle
    {
        public static bool IsSupported => ByteLookup.IsAccelerated;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Shuffle(Vector128<byte> table, Vector128<byte> indices) => ByteLookup.Shuffle(table, indices);

        /// <summary>a0 b0 a1 b1 .. a7 b7 (and, High, a8 b8 .. a15 b15).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> InterleaveLow(Vector128<byte> a, Vector128<byte> b)
            => Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> InterleaveHigh(Vector128<byte> a, Vector128<byte> b)
            => Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);

        /// <summary>The largest byte table looked up with shuffles (eight of them per sixteen values).</summary>
        public const int MaxTable = 128;

        /// <summary>
        /// output[i] = table[indices[i]] for a table of 16, 32, .. 128 bytes (zero-padded): each 16-byte part is shuffled
        /// with the indices moved into its range, lanes outside it coming out zero, and the parts are or-ed.
        /// </summary>
        public static void Lookup(ReadOnlySpan<byte> table, ReadOnlySpan<byte> indices, Span<byte> output)
        {
            int parts = table.Length / 16;
            Span<Vector128<byte>> tables = stackalloc Vector128<byte>[MaxTable / 16];
            for (int j = 0; j < parts; j++) tables[j] = Vector128.Create(table.Slice(16 * j, 16));
            int i = 0;
            for (; i + 16 <= indices.Length; i += 16)
            {
                Vector128<byte> index = Vector128.Create(indices.Slice(i, 16));
                Vector128<byte> values = Shuffle(tables[0], OutsideZero(index));
                for (int j = 1; j < parts; j++)
                    values |= Shuffle(tables[j], OutsideZero(index - Vector128.Create((byte)(16 * j))));
                values.CopyTo(output.Slice(i, 16));
            }
            for (; i < indices.Length; i++) output[i] = table[indices[i]];
        }

        /// <summary>
        /// Indices for one 16-entry part: 0..15 select, any other value yields zero. Arm's TBL already gives zero for 16 and
        /// above; SSSE3's PSHUFB only when the top bit is set, so 0..15 are lifted to 0x70..0x7F and the rest saturate past 0x80.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> OutsideZero(Vector128<byte> index)
            => Ssse3.IsSupported ? Sse2.AddSaturate(index, Vector128.Create((byte)0x70)) : index;

        /// <summary>
        /// Unpacks indices of any width 1..7 sixteen at a time from a byte-aligned bit string: a shuffle puts the two bytes
        /// holding each index into a 16-bit lane (first byte high), a multiply by 2^(bit offset) moves the index to the
        /// top, and a shift by 16 - bits brings it down. Returns the indices written (a multiple of 16).
        /// </summary>
        public static int Unpack(ReadOnlySpan<byte> encoded, int bitWidth, Span<byte> indices)
        {
            Span<byte> control = stackalloc byte[32];
            Span<ushort> scale = stackalloc ushort[16];
            for (int k = 0; k < 16; k++)
            {
                int bit = k * bitWidth;
                control[2 * k] = (byte)((bit >> 3) + 1);
                control[2 * k + 1] = (byte)(bit >> 3);
                scale[k] = (ushort)(1 << (bit & 7));
            }
            Vector128<byte> lowControl = Vector128.Create((ReadOnlySpan<byte>)control.Slice(0, 16)), highControl = Vector128.Create((ReadOnlySpan<byte>)control.Slice(16));
            Vector128<ushort> lowScale = Vector128.Create((ReadOnlySpan<ushort>)scale.Slice(0, 8)), highScale = Vector128.Create((ReadOnlySpan<ushort>)scale.Slice(8));
            int shift = 16 - bitWidth, step = 2 * bitWidth;
            int written = 0;
            for (int at = 0; at + 16 <= encoded.Length && written + 16 <= indices.Length; at += step, written += 16)
            {
                Vector128<byte> v = Vector128.Create(encoded.Slice(at, 16));
                Vector128<ushort> low = Vector128.ShiftRightLogical(Shuffle(v, lowControl).AsUInt16() * lowScale, shift);
                Vector128<ushort> high = Vector128.ShiftRightLogical(Shuffle(v, highControl).AsUInt16() * highScale, shift);
                Vector128.Narrow(low, high).CopyTo(indices.Slice(written, 16));
            }
            return written;
        }

        /// <summary>Decodes 4-bit indices (32 per 16 bytes) through a byte table; returns the values written.</summary>
        public static int DecodeNibbles(ReadOnlySpan<byte> encoded, Vector128<byte> table, Span<byte> output)
        {
            Vector128<byte> low = Vector128.Create((byte)0x0F);
            int written = 0;
            for (int at = 0; at + 16 <= encoded.Length && written + 32 <= output.Length; at += 16, written += 32)
            {
                Vector128<byte> v = Vector128.Create(encoded.Slice(at, 16));
                Vector128<byte> high = Shuffle(table, Vector128.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low);
                Vector128<byte> second = Shuffle(table, v & low);
                InterleaveLow(high, second).CopyTo(output.Slice(written));
                InterleaveHigh(high, second).CopyTo(output.Slice(written + 16));
            }
            return written;
        }

        /// <summary>Decodes 2-bit indices (64 per 16 bytes) through a byte table; returns the values written.</summary>
        public static int DecodeCrumbs(ReadOnlySpan<byte> encoded, Vector128<byte> table, Span<byte> output)
        {
            Vector128<byte> mask = Vector128.Create((byte)0x03);
            int written = 0;
            for (int at = 0; at + 16 <= encoded.Length && written + 64 <= output.Length; at += 16, written += 64)
            {
                Vector128<ushort> v = Vector128.Create(encoded.Slice(at, 16)).AsUInt16();
                // The four indices of each byte, most significant first, each looked up.
                Vector128<byte> i0 = Shuffle(table, Vector128.ShiftRightLogical(v, 6).AsByte() & mask);
                Vector128<byte> i1 = Shuffle(table, Vector128.ShiftRightLogical(v, 4).AsByte() & mask);
                Vector128<byte> i2 = Shuffle(table, Vector128.ShiftRightLogical(v, 2).AsByte() & mask);
                Vector128<byte> i3 = Shuffle(table, v.AsByte() & mask);
                // Interleaving (i0, i2) with (i1, i3) puts each byte's four indices back in order.
                Vector128<byte> evenLow = InterleaveLow(i0, i2), evenHigh = InterleaveHigh(i0, i2);
                Vector128<byte> oddLow = InterleaveLow(i1, i3), oddHigh = InterleaveHigh(i1, i3);
                InterleaveLow(evenLow, oddLow).CopyTo(output.Slice(written));
                InterleaveHigh(evenLow, oddLow).CopyTo(output.Slice(written + 16));
                InterleaveLow(evenHigh, oddHigh).CopyTo(output.Slice(written + 32));
                InterleaveHigh(evenHigh, oddHigh).CopyTo(output.Slice(written + 48));
            }
            return written;
        }
    }
#endif
}
