using System.Diagnostics;
using TfLiteMicro.Fuzz;

// tflm-fuzz: differential mutation campaigns, single-model checks and the afl++ harness. See README.md.
return args.Length == 0 ? Usage() : args[0] switch
{
    "campaign" => RunCampaign(args[1..]),
    "worker" => RunWorker(args[1..]),
    "run" => RunFiles(args[1..]),
    "corpus" => WriteCorpus(args[1..]),
    "afl" => AflHarness.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: TfLiteMicro.Fuzz campaign [--count N] [--seed S] [--first I] [--workers W] [--out DIR] [--hang-seconds T] [--shared DIR] [--seeds NAME,...]
               TfLiteMicro.Fuzz run FILE...            each model with the optimized and the reference kernels
               TfLiteMicro.Fuzz corpus DIR [--shared DIR]   writes the afl++ seed corpus
               TfLiteMicro.Fuzz afl                     the afl++ harness (run under afl-fuzz, see scripts/fuzz-afl.sh)
        """);
    return 2;
}

static string? Option(string[] args, string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static Seeds LoadSeeds(string[] args)
{
    string root = Seeds.LocateShared(Option(args, "--shared"))
        ?? throw new InvalidOperationException("the shared folder was not found: set TFLM_SHARED_DIR or pass --shared DIR");
    return Seeds.Load(root, Option(args, "--seeds"));
}

static int RunCampaign(string[] args)
{
    var campaign = new Campaign
    {
        Seeds = LoadSeeds(args),
        CampaignSeed = int.Parse(Option(args, "--seed") ?? "1"),
        First = long.Parse(Option(args, "--first") ?? "0"),
        Count = long.Parse(Option(args, "--count") ?? "20000"),
        Workers = int.Parse(Option(args, "--workers") ?? Environment.ProcessorCount.ToString()),
        HangLimit = TimeSpan.FromSeconds(double.Parse(Option(args, "--hang-seconds") ?? "10")),
        OutputFolder = Option(args, "--out"),
    };
    return campaign.Run() ? 0 : 1;
}

static int RunWorker(string[] args)
    => Campaign.Work(LoadSeeds(args), int.Parse(Option(args, "--seed")!), long.Parse(Option(args, "--from")!), long.Parse(Option(args, "--to")!));

static int RunFiles(string[] files)
{
    int failures = 0;
    // On a 1.5 MB stack, as the campaign's workers run.
    var thread = new Thread(() =>
    {
        using var differential = new Differential(files.Max(f => (int)new FileInfo(f).Length) + 64);
        foreach (string file in files)
        {
            var clock = Stopwatch.StartNew();
            Outcome outcome = differential.Run(File.ReadAllBytes(file));
            Console.WriteLine($"{Path.GetFileName(file)}: {outcome.Kind} in {clock.ElapsedMilliseconds} ms, peak {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            if (outcome.Detail.Length > 0) Console.WriteLine("  " + outcome.Detail.ReplaceLineEndings("\n  "));
            if (outcome.IsFailure) failures++;
        }
    }, 1536 * 1024);
    thread.Start();
    thread.Join();
    return failures == 0 ? 0 : 1;
}

static int WriteCorpus(string[] args)
{
    string folder = args[0];
    Directory.CreateDirectory(folder);
    Seeds seeds = LoadSeeds(args);
    // afl++ wants small, fast inputs: every shared model below 64 KB and the first case of each golden op.
    var seen = new HashSet<string>();
    int written = 0;
    foreach ((string name, byte[] bytes) in seeds.Models)
    {
        string family = name.StartsWith("golden", StringComparison.Ordinal)
            ? Path.GetFileName(Path.GetDirectoryName(name)!)!.Split('_')[0] + "_" + Path.GetFileName(Path.GetDirectoryName(name)!)!.Split('_').ElementAtOrDefault(1)
            : name;
        if (bytes.Length > 64 * 1024 || !seen.Add(family)) continue;
        File.WriteAllBytes(Path.Combine(folder, $"{written++:D4}.tflite"), bytes);
    }
    Console.WriteLine($"{written} seeds written to {folder}");
    return 0;
}
