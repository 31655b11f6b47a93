namespace TfLiteMicro.Cli;

/// <summary>A model loaded from a file and an interpreter with every kernel the tool has, tensors allocated.</summary>
internal sealed class PreparedModel : IDisposable
{
    private PreparedModel(string path, Model model, MicroInterpreter interpreter)
    {
        Path = path;
        Model = model;
        Interpreter = interpreter;
    }

    public string Path { get; }
    public string FileName => System.IO.Path.GetFileName(Path);
    public Model Model { get; }
    public MicroInterpreter Interpreter { get; }

    public static PreparedModel Create(string path, int arenaBytes, InterpreterOptions? options = null)
    {
        Model model = ModelFile.Load(path);
        return Create(path, model, arenaBytes, options);
    }

    public static PreparedModel Create(string path, Model model, int arenaBytes, InterpreterOptions? options = null)
    {
        byte[] arena = AllocateArena(arenaBytes);
        var interpreter = new MicroInterpreter(model, KernelSets.CreateFullResolver(), arena, options);
        try
        {
            interpreter.AllocateTensors();
        }
        catch (ArenaTooSmallException e)
        {
            throw new CliException($"{path}: {e.Message} (use --arena-size {e.BytesNeeded} or more)");
        }
        catch (TfLiteMicroException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        catch (OutOfMemoryException)
        {
            // The arena is already allocated here: what ran out is the memory the kernels use while preparing.
            throw new CliException($"{path}: out of memory while preparing the model's operators (the {arenaBytes}-byte arena was allocated; a smaller --arena-size will not help)");
        }
        return new PreparedModel(path, model, interpreter);
    }

    private static byte[] AllocateArena(int bytes)
    {
        try
        {
            return new byte[bytes];
        }
        catch (OutOfMemoryException)
        {
            throw new CliException($"cannot allocate a {bytes}-byte arena; give a smaller --arena-size");
        }
    }

    public void Dispose() => Interpreter.Dispose();
}
