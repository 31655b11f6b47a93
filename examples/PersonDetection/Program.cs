using System.Diagnostics;
using TfLiteMicro;
using TfLiteMicro.Examples;
using TfLiteMicro.Examples.PersonDetection;

// Usage: PersonDetection [IMAGE ...] [--model PATH] [--repeat N]
var imagePaths = new List<string>();
string? modelPath = null;
int repeat = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model" when i + 1 < args.Length:
            modelPath = args[++i];
            break;
        case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0:
            repeat = n;
            i++;
            break;
        case "-h" or "--help":
            PrintUsage();
            return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"unexpected argument '{args[i]}'");
                PrintUsage();
                return 2;
            }
            imagePaths.Add(args[i]);
            break;
    }
}
if (modelPath is not null && !File.Exists(modelPath))
{
    Console.Error.WriteLine($"model file '{modelPath}' not found");
    return 1;
}

try
{
    // TFLM's model (and, without an image of the user's, its two test images): from the shared folder or the user's
    // cache, where they are downloaded once from TFLM's repository and checked.
    modelPath ??= TflmFiles.ForExample(null, "models").Get(TflmFiles.PersonDetectModel);
    if (imagePaths.Count == 0)
    {
        TflmFiles images = TflmFiles.ForExample(null, "testdata");
        imagePaths.AddRange([images.Get(TflmFiles.Person), images.Get(TflmFiles.NoPerson)]);
    }
    Model model = Model.Load(File.ReadAllBytes(modelPath));
    // Exactly the model's ops (tflm resolver person_detect.tflite): a NativeAOT build keeps only these kernels.
    OpResolver resolver = new OpResolver().AddConv2D().AddDepthwiseConv2D().AddAveragePool2D().AddReshape().AddSoftmax();
    foreach (string imagePath in imagePaths)
    {
        int status = Detect(imagePath, model, resolver, repeat);
        if (status != 0) return status;
    }
    return 0;
}
catch (Exception e) when (e is TfLiteMicroException or TflmFileException or IOException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int Detect(string imagePath, Model model, OpResolver resolver, int repeat)
{
    byte[] pixels = ImageInput.LoadGrayscale(imagePath);
    // TFLM's example reserves 136 KB; the model needs less (ArenaUsedBytes is printed below).
    using var interpreter = new MicroInterpreter(model, resolver, new byte[136 * 1024]);
    interpreter.AllocateTensors();

    Tensor input = interpreter.Input(0);
    if (input.Type != TensorType.Int8 || input.ByteCount != pixels.Length)
    {
        Console.Error.WriteLine($"the model's input is {input}, expected int8 [1,{ImageInput.Size},{ImageInput.Size},1]");
        return 1;
    }
    var timings = new double[repeat];
    for (int r = 0; r < repeat; r++)
    {
        // The pixel bytes go in unchanged, each read as a signed byte: what TFLM's person detection test does with
        // its BMPs, so the scores here equal TFLM's (see README.md). They are copied before every run because the
        // arena reuses the input's bytes for later activations once the first layer has read them.
        input.CopyFrom(pixels);
        long start = Stopwatch.GetTimestamp();
        interpreter.Invoke();
        timings[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    double first = timings[0];
    Array.Sort(timings);
    double median = timings[repeat / 2];

    Tensor output = interpreter.Output(0);
    ReadOnlySpan<sbyte> scores = output.AsReadOnlySpan<sbyte>();
    if (scores.Length < 2)
    {
        Console.Error.WriteLine($"the model's output is {output}, expected two scores");
        return 1;
    }
    int noPerson = scores[0], person = scores[1];
    Console.WriteLine($"image:      {imagePath}");
    Console.WriteLine($"person:     {person,4}  ({output.GetValueAsDouble(1):P1})");
    Console.WriteLine($"no person:  {noPerson,4}  ({output.GetValueAsDouble(0):P1})");
    Console.WriteLine($"verdict:    {(person > noPerson ? "person" : "no person")}");
    Console.WriteLine($"inference:  {median:F2} ms median of {repeat} (first {first:F2} ms)");
    Console.WriteLine($"arena:      {interpreter.ArenaUsage}");
    return 0;
}

static void PrintUsage()
    => Console.Error.WriteLine("usage: PersonDetection [IMAGE ...] [--model PATH] [--repeat N]\n" +
        "  IMAGE   your own BMP, PNG or JPEG, converted to 96x96 grayscale; without one, TFLM's person.bmp and no_person.bmp\n" +
        "  --model person_detect.tflite (default: $TFLM_SHARED_DIR/models or shared/models beside the repository, else\n" +
        "          TFLM's published model, downloaded once (SHA-256 checked) into $TFLM_CACHE_DIR or ~/.cache/tflitemicro)\n" +
        "  --repeat number of timed invokes (default 20)");
