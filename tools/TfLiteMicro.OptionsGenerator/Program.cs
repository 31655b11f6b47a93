using TfLiteMicro.OptionsGenerator;

// extract <schema.fbs> <source>   reads the schema, writes the extract (schema-options.tsv)
// generate                        writes the C# files from the extract
// check                           exits 1 when the C# files differ from what generate would write
string root = RepositoryRoot();
string command = args.Length > 0 ? args[0] : "";
switch (command)
{
    case "extract" when args.Length == 3:
    {
        byte[] schemaBytes = File.ReadAllBytes(args[1]);
        FbsSchema schema = FbsSchemaReader.Read(System.Text.Encoding.UTF8.GetString(schemaBytes));
        OptionsExtract extract = OptionsExtract.FromSchema(schema, args[2], OptionsExtract.Sha256(schemaBytes));
        File.WriteAllText(Path.Combine(root, OptionsCodeWriter.ExtractPath), extract.Format());
        Console.WriteLine($"{OptionsCodeWriter.ExtractPath}: {extract.Rows.Count} rows from {args[1]}");
        return 0;
    }
    case "generate":
    case "check":
    {
        OptionsExtract extract = OptionsExtract.Load(Path.Combine(root, OptionsCodeWriter.ExtractPath));
        int stale = 0;
        foreach ((string path, string text) in OptionsCodeWriter.Generate(extract))
        {
            string full = Path.Combine(root, path);
            bool same = File.Exists(full) && File.ReadAllText(full) == text;
            if (same) continue;
            if (command == "generate")
            {
                File.WriteAllText(full, text);
                Console.WriteLine($"wrote {path}");
            }
            else
            {
                Console.Error.WriteLine($"{path} is not what the extract gives: run the generator's generate command");
                stale++;
            }
        }
        return stale == 0 ? 0 : 1;
    }
    default:
        Console.Error.WriteLine("usage: extract <schema.fbs> <source description> | generate | check");
        return 2;
}

static string RepositoryRoot()
{
    for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln"))) return dir.FullName;
    throw new InvalidOperationException("run inside the repository (no TfLiteMicro.sln above the current folder)");
}
