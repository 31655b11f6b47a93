using System.Buffers.Binary;

namespace TfLiteMicro.Compression;

/// <summary>
/// DECODE's Huffman decoder (TFLM's decode_state_huffman, the Xtensa table format). The codewords are a bit string read
/// as big-endian 32-bit words. Each symbol starts with a lookup of <see cref="InitialBits"/> bits in the first table;
/// an entry either holds the symbol (flag bit set; its count field says how many of the bits just read belong to this
/// codeword, the rest are given back) or points to a subtable (offset, and count field + 1 bits to read next). Entries are
/// 16 bits (flag 0x8000, count 0x7800, value 0x07FF; INT8 symbols) or 32 bits (0x80000000, 0x78000000, 0x07FFFFFF;
/// INT8 or INT16 symbols, the entry's low bits). Every read is checked, so codewords that run out or offsets past the
/// table end as an error, never an out-of-range read.
/// </summary>
internal readonly struct HuffmanDecoder
{
    public HuffmanDecoder(int count, int outputSize, bool wideTable, int initialBits)
    {
        Count = count;
        OutputSize = outputSize;
        WideTable = wideTable;
        InitialBits = initialBits;
    }

    public int Count { get; }

    /// <summary>Bytes per decoded value: 1 (INT8) or 2 (INT16).</summary>
    public int OutputSize { get; }

    /// <summary>32-bit table entries (otherwise 16-bit).</summary>
    public bool WideTable { get; }

    /// <summary>Bits read for the first lookup of each symbol (1 to 16).</summary>
    public int InitialBits { get; }

    /// <summary>
    /// Decodes <see cref="Count"/> symbols into <paramref name="destination"/>, or only walks the codewords when it is empty
    /// (to check them while preparing). Returns null, or what is wrong with the data.
    /// </summary>
    public string? Decode(ReadOnlySpan<byte> codewords, ReadOnlySpan<byte> tables, Span<byte> destination)
    {
        bool write = !destination.IsEmpty;
        uint foundMask = WideTable ? 0x80000000u : 0x8000u;
        uint countMask = WideTable ? 0x78000000u : 0x7800u;
        int countShift = WideTable ? 27 : 11;
        uint valueMask = WideTable ? 0x07FFFFFFu : 0x07FFu;
        long entries = tables.Length / (WideTable ? 4 : 2);
        var bits = new CodewordReader(codewords);
        if (Count > 0 && !bits.Start()) return "there are no codewords";

        for (int n = 0; n < Count; n++)
        {
            int used = InitialBits;
            if (!bits.Take(used, out uint index)) return Exhausted(n);
            long offset = index;
            if (offset >= entries) return PastTable(n, offset, entries);
            uint entry = Entry(tables, offset);
            while ((entry & foundMask) == 0)
            {
                used = (int)((entry & countMask) >> countShift) + 1;
                if (!bits.Take(used, out index)) return Exhausted(n);
                offset += (entry & valueMask) + index;
                if (offset >= entries) return PastTable(n, offset, entries);
                entry = Entry(tables, offset);
            }
            if (write)
            {
                if (OutputSize == 1) destination[n] = (byte)entry;
                else BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(2 * n), (ushort)entry);
            }
            int residual = (int)((entry & countMask) >> countShift);
            if (used > residual && !bits.GiveBack(used - residual)) return $"symbol {n}: its table entry gives back more bits than were read";
        }
        return null;
    }

    private uint Entry(ReadOnlySpan<byte> tables, long offset) => WideTable
        ? BinaryPrimitives.ReadUInt32LittleEndian(tables.Slice((int)offset * 4))
        : BinaryPrimitives.ReadUInt16LittleEndian(tables.Slice((int)offset * 2));

    private string Exhausted(int n) => $"the codewords end after {n} of {Count} values";

    private static string PastTable(int n, long offset, long entries) => $"symbol {n}: table offset {offset} is past the {entries} table entries";

    /// <summary>
    /// The codeword bit string as TFLM reads it: a 32-bit word in hand, the bits of it not yet used, and the next word;
    /// a last partial word reads as if padded with zero bytes.
    /// </summary>
    private ref struct CodewordReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly int _words;
        private uint _hold;
        private int _available;
        private int _next;

        public CodewordReader(ReadOnlySpan<byte> bytes)
        {
            _bytes = bytes;
            _words = (bytes.Length + 3) / 4;
        }

        private readonly uint Word(int index)
        {
            int at = index * 4;
            if (at + 4 <= _bytes.Length) return BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(at));
            uint word = 0;
            for (int k = 0; k < 4; k++) word = word << 8 | (at + k < _bytes.Length ? _bytes[at + k] : 0u);
            return word;
        }

        public bool Start()
        {
            if (_words == 0) return false;
            _hold = Word(0);
            _next = 1;
            _available = 32;
            return true;
        }

        /// <summary>The next <paramref name="count"/> bits (1 to 16), most significant first.</summary>
        public bool Take(int count, out uint value)
        {
            value = 0;
            if (count > _available)
            {
                value = (_hold & ((1u << _available) - 1)) << (count - _available);
                count -= _available;
                if (_next >= _words) return false;
                _hold = Word(_next++);
                _available = 32;
            }
            value |= (_hold >> (_available - count)) & ((1u << count) - 1);
            _available -= count;
            return true;
        }

        /// <summary>Returns the last <paramref name="count"/> bits taken, stepping back a word when they began in the previous one.</summary>
        public bool GiveBack(int count)
        {
            _available += count;
            if (_available > 32)
            {
                if (_next < 2) return false;
                _available -= 32;
                _next--;
                _hold = Word(_next - 1);
            }
            return true;
        }
    }
}
