import { Box, Text } from "ink";
import type { AnsweredLine } from "../../wizard/machine.js";

/** Every answer on its own line plus the final action; the focused line is the one Enter acts on. */
export function Summary({ lines, cursor, finishLabel }: { lines: AnsweredLine[]; cursor: number; finishLabel: string }) {
  const width = Math.min(48, Math.max(...lines.map((l) => l.prompt.length), 0));
  return (
    <Box flexDirection="column">
      <Text bold>Review your answers</Text>
      <Box flexDirection="column" marginLeft={2} marginTop={1}>
        {lines.map((line, index) => (
          <Text key={line.nodeId} color={index === cursor ? "cyan" : undefined}>
            {`${index === cursor ? "❯" : " "} ${line.prompt.padEnd(width)}  `}
            <Text bold>{line.shown}</Text>
          </Text>
        ))}
        <Box marginTop={1}>
          <Text bold color={cursor === lines.length ? "green" : undefined}>{`${cursor === lines.length ? "❯" : " "} ${finishLabel}`}</Text>
        </Box>
      </Box>
      <Box marginTop={1}>
        <Text dimColor>{`Choose a line and press Enter to change it, or choose "${finishLabel}".`}</Text>
      </Box>
    </Box>
  );
}
