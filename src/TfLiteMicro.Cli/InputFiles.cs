using TfLiteMicro.Cli.Formats;

namespace TfLiteMicro.Cli;

/// <summary>Fills a model's inputs from raw little-endian .bin files or .npy arrays, checking each fits its tensor.</summary>
internal static class InputFiles
{
    public static void Fill(MicroInterpreter interpreter, IReadOnlyList<string> files)
    {
        if (files.Count != 0 && files.Count != interpreter.InputCount)
            throw new CliException($"the model has {interpreter.InputCount} input(s) but {files.Count} --input file(s) were given; give one per input, in order");
        for (int i = 0; i < interpreter.InputCount; i++)
        {
            Tensor tensor = interpreter.Input(i);
            try
            {
                // Without --input every input is zero (allocation leaves the arena as it was: clear it explicitly).
                if (files.Count == 0) tensor.AsSpan<byte>().Clear();
                else tensor.CopyFrom(Read(files[i], i, tensor));
            }
            catch (InvalidOperationException e)
            {
                // A model whose input is a constant or is used by no operator cannot be fed.
                throw new CliException($"input {i} ({Label(tensor)}) cannot be written: {e.Message}");
            }
        }
    }

    public static byte[] Read(string path, int index, Tensor tensor)
    {
        string what = $"input {index} ({Label(tensor)})";
        if (Directory.Exists(path))
            throw new CliException($"{what}: {path} is a directory; --input takes one file per input");
        if (!File.Exists(path))
            throw new CliException($"{what}: file not found: {path}");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliException($"{what}: cannot read {path}: {e.Message}");
        }
        if (NpyArray.LooksLikeNpy(bytes))
        {
            NpyArray array;
            try
            {
                array = NpyArray.Parse(bytes);
            }
            catch (FormatException e)
            {
                throw new CliException($"{what}: {path}: {e.Message}");
            }
            if (array.Type != tensor.Type)
                throw new CliException($"{what}: {path} holds {NpyArray.Descr(array.Type)} ({TensorTypes.GetName(array.Type)}) values but the tensor is {TensorTypes.GetName(tensor.Type)}; convert with astype('{NpyArray.Descr(tensor.Type)}')");
            if (!ShapesFit(array.Shape, tensor.Shape))
                throw new CliException($"{what}: {path} has shape {TensorText.Shape(array.Shape)} but the tensor is {TensorText.Shape(tensor.Shape)}");
            return array.Data;
        }
        if (bytes.Length != tensor.ByteCount)
            throw new CliException($"{what}: {path} has {bytes.Length} bytes but the tensor needs {tensor.ByteCount} ({TensorTypes.GetName(tensor.Type)}{TensorText.Shape(tensor.Shape)}, raw little-endian)");
        return bytes;
    }

    public static string Label(Tensor tensor) => (tensor.Name.Length > 0 ? $"'{tensor.Name}' " : "") + TensorTypes.GetName(tensor.Type) + TensorText.Shape(tensor.Shape);

    /// <summary>Shapes fit when they are equal once dimensions of size 1 are ignored (e.g. [96,96] for [1,96,96,1]).</summary>
    internal static bool ShapesFit(int[] given, ReadOnlySpan<int> expected)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < given.Length && given[i] == 1) i++;
            while (j < expected.Length && expected[j] == 1) j++;
            if (i == given.Length || j == expected.Length) return i == given.Length && j == expected.Length;
            if (given[i] != expected[j]) return false;
            i++;
            j++;
        }
    }
}
