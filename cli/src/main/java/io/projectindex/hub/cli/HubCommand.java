package io.projectindex.hub.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hub} command line: {@code serve}, the client tools {@code publish}, {@code tail}, {@code replay}, and {@code loadtest}. */
@Command(name = "hub", mixinStandardHelpOptions = true, versionProvider = HubCommand.Version.class,
        description = "Project Index Event Hub: real-time project-analysis events over WebSocket.")
public final class HubCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(System.in);
    }

    /** The command line with {@code stdin} as the input of {@code publish}. */
    static CommandLine commandLine(java.io.InputStream stdin) {
        CommandLine cli = new CommandLine(new HubCommand());
        cli.addSubcommand("serve", ServeCommand.create());
        cli.addSubcommand("token", new TokenCommand());
        cli.addSubcommand("publish", new PublishCommand(stdin));
        cli.addSubcommand("tail", new TailCommand());
        cli.addSubcommand("replay", new ReplayCommand());
        cli.addSubcommand("loadtest", new LoadTestCommand());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HubCommand.class.getPackage().getImplementationVersion();
            return new String[] {"hub " + (v == null ? "dev" : v)};
        }
    }
}
