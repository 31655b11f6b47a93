using StbImageSharp;

namespace TfLiteMicro.Examples.PersonDetection;

/// <summary>
/// Turns an image file (BMP, PNG, JPEG, ...) into the 96x96 grayscale bytes the person detection model takes,
/// top row first, one byte per pixel.
/// </summary>
public static class ImageInput
{
    public const int Size = 96;

    /// <summary>Decodes <paramref name="path"/> and returns 96 * 96 grayscale pixels, top row first.</summary>
    public static byte[] LoadGrayscale(string path)
    {
        using FileStream stream = File.OpenRead(path);
        // stb converts to one channel with luma = (77 R + 150 G + 29 B) >> 8, which leaves gray pixels unchanged.
        ImageResult image = ImageResult.FromStream(stream, ColorComponents.Grey);
        return ToModelSize(image.Data, image.Width, image.Height);
    }

    /// <summary>
    /// Centre-crops a grayscale image to a square and scales it to 96x96 by averaging the source pixels each output
    /// pixel covers (a box filter, so downscaling does not alias). A 96x96 image is returned unchanged.
    /// </summary>
    public static byte[] ToModelSize(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (width <= 0 || height <= 0 || pixels.Length < (long)width * height)
            throw new ArgumentException($"a {width}x{height} grayscale image needs {(long)width * height} bytes, {pixels.Length} given");
        var result = new byte[Size * Size];
        if (width == Size && height == Size)
        {
            pixels[..result.Length].CopyTo(result);
            return result;
        }

        int side = Math.Min(width, height);
        int left = (width - side) / 2, top = (height - side) / 2;
        for (int y = 0; y < Size; y++)
        {
            // Source rows [y0, y1) and columns [x0, x1) that map onto this output pixel; at least one each when upscaling.
            int y0 = top + y * side / Size;
            int y1 = Math.Max(y0 + 1, top + (y + 1) * side / Size);
            for (int x = 0; x < Size; x++)
            {
                int x0 = left + x * side / Size;
                int x1 = Math.Max(x0 + 1, left + (x + 1) * side / Size);
                long sum = 0;
                for (int sy = y0; sy < y1; sy++)
                    for (int sx = x0; sx < x1; sx++)
                        sum += pixels[sy * width + sx];
                long count = (long)(y1 - y0) * (x1 - x0);
                result[y * Size + x] = (byte)((sum + count / 2) / count);
            }
        }
        return result;
    }
}
