using System.Buffers.Binary;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// TFLM's person detection example end to end: its two 96x96 test BMPs through person_detect.tflite give exactly
/// TFLM's int8 scores (../shared/golden/person_detection_e2e), in an arena no larger than TFLM's.
/// </summary>
public class PersonDetectionTests
{
    private const int TflmArenaUsedBytes = 85_024;

    [SkippableTheory]
    [InlineData("person")]
    [InlineData("no_person")]
    public void ScoresEqualTflm(string image)
    {
        byte[] input = File.ReadAllBytes(SharedData.Path("golden", "person_detection_e2e", image, "input.bin"));
        byte[] expected = File.ReadAllBytes(SharedData.Path("golden", "person_detection_e2e", image, "scores.bin"));

        using var interpreter = new MicroInterpreter(Model.Load(SharedData.ReadModel("person_detect")), OpResolver.WithAllBuiltins(), ArenaPoison.New(136 * 1024));
        interpreter.AllocateTensors();
        // TFLM's test copies the pixel bytes into the int8 input unchanged.
        interpreter.Input(0).CopyFrom(input);
        interpreter.Invoke();

        Assert.Equal(expected, interpreter.Output(0).AsReadOnlySpan<byte>().ToArray());
        Assert.True(interpreter.ArenaUsedBytes <= TflmArenaUsedBytes,
            $"we use {interpreter.ArenaUsedBytes} arena bytes, TFLM {TflmArenaUsedBytes}");
    }

    [SkippableTheory]
    [InlineData("person")]
    [InlineData("no_person")]
    public void GoldenInputIsTheBmpPixelsTopRowFirst(string image)
    {
        // The BMP stores 8-bit palette indices (a gray ramp) bottom row first; the golden input is those bytes top row first.
        byte[] bmp = File.ReadAllBytes(SharedData.Path("testdata", image + ".bmp"));
        byte[] input = File.ReadAllBytes(SharedData.Path("golden", "person_detection_e2e", image, "input.bin"));
        int dataOffset = BinaryPrimitives.ReadInt32LittleEndian(bmp.AsSpan(10));
        int width = BinaryPrimitives.ReadInt32LittleEndian(bmp.AsSpan(18));
        int height = BinaryPrimitives.ReadInt32LittleEndian(bmp.AsSpan(22));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bmp.AsSpan(28));
        Assert.Equal((96, 96, 8), (width, height, bitsPerPixel));
        for (int i = 0; i < 256; i++)
            Assert.True(bmp[54 + 4 * i] == i && bmp[55 + 4 * i] == i && bmp[56 + 4 * i] == i, $"palette entry {i} is not gray level {i}");
        for (int row = 0; row < height; row++)
            Assert.True(bmp.AsSpan(dataOffset + (height - 1 - row) * width, width).SequenceEqual(input.AsSpan(row * width, width)), $"row {row} differs");
    }
}
