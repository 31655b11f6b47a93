using System.Text;
using TfLiteMicro.Cli.Formats;

namespace TfLiteMicro.Cli.Tests;

public class NpyArrayTests
{
    [Theory]
    [InlineData(TensorType.Int8, new[] { 1, 96, 96, 1 })]
    [InlineData(TensorType.Float32, new[] { 3 })]
    [InlineData(TensorType.Int16, new int[0])]
    [InlineData(TensorType.Int32, new[] { 2, 0, 5 })]
    public void Write_then_parse_round_trips(TensorType type, int[] shape)
    {
        long elements = 1;
        foreach (int d in shape) elements *= d;
        byte[] data = new byte[elements * TensorTypes.ElementSize(type)];
        new Random(7).NextBytes(data);
        byte[] file = NpyArray.Write(type, shape, data);
        Assert.Equal(0, (file.Length - data.Length) % 64);
        NpyArray parsed = NpyArray.Parse(file);
        Assert.Equal(type, parsed.Type);
        Assert.Equal(shape, parsed.Shape);
        Assert.Equal(data, parsed.Data);
    }

    [Fact]
    public void Writes_the_header_numpy_writes()
    {
        byte[] file = NpyArray.Write(TensorType.Float32, [2, 3], new byte[24]);
        string header = Encoding.Latin1.GetString(file, 10, file[8] | file[9] << 8);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Contains("(5,)", Encoding.Latin1.GetString(NpyArray.Write(TensorType.Int8, [5], new byte[5])));
    }

    [Fact]
    public void Parses_version_2_headers_and_numpy_spacing()
    {
        string dict = "{\"descr\":\"<i2\",\"fortran_order\":False,\"shape\":(2,)}\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        bytes.AddRange(BitConverter.GetBytes(dict.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(dict));
        bytes.AddRange(new byte[] { 1, 0, 2, 0 });
        NpyArray parsed = NpyArray.Parse(bytes.ToArray());
        Assert.Equal(TensorType.Int16, parsed.Type);
        Assert.Equal([2], parsed.Shape);
    }

    [Theory]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4, "big-endian")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "Fortran")]
    [InlineData("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", 12, "no tensor type")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8, "needs 12")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", 4, "shape")]
    public void Rejects_what_a_tensor_cannot_hold(string dict, int dataBytes, string message)
    {
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        string header = dict + "\n";
        bytes.Add((byte)header.Length);
        bytes.Add((byte)(header.Length >> 8));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        FormatException e = Assert.Throws<FormatException>(() => NpyArray.Parse(bytes.ToArray()));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Truncated_headers_are_format_errors()
    {
        byte[] file = NpyArray.Write(TensorType.Int8, [4], new byte[4]);
        Assert.Throws<FormatException>(() => NpyArray.Parse(file.AsSpan(0, 9)));
        Assert.Throws<FormatException>(() => NpyArray.Parse(file.AsSpan(0, 40)));
    }

    [Theory]
    [InlineData(new[] { 96, 96 }, new[] { 1, 96, 96, 1 }, true)]
    [InlineData(new[] { 1, 1 }, new[] { 1 }, true)]
    [InlineData(new int[0], new[] { 1, 1 }, true)]
    [InlineData(new[] { 2, 3 }, new[] { 3, 2 }, false)]
    [InlineData(new[] { 6 }, new[] { 2, 3 }, false)]
    public void Shapes_fit_when_equal_apart_from_unit_dimensions(int[] given, int[] expected, bool fits)
        => Assert.Equal(fits, InputFiles.ShapesFit(given, expected));
}
