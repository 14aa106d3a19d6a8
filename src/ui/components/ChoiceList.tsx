import { Box, Text } from "ink";
import type { Choice } from "../../trees/model.js";

/** The first visible index of a window of `limit` rows that keeps `cursor` in view, centred where it can be. */
export function windowStart(count: number, cursor: number, limit: number): number {
  if (count <= limit) return 0;
  return Math.min(Math.max(0, cursor - Math.floor(limit / 2)), count - limit);
}

/**
 * Choices; the first nine carry the number key that picks them. The focused one is marked and shows
 * its hint. With a `limit`, only a window around the focused choice is drawn, so a short terminal holds it.
 */
export function ChoiceList({ choices, cursor, limit }: { choices: Choice[]; cursor: number; limit?: number }) {
  const size = limit ?? choices.length;
  const first = windowStart(choices.length, cursor, size);
  const shown = choices.slice(first, first + size);
  const below = choices.length - first - shown.length;
  return (
    <Box flexDirection="column">
      {first > 0 ? <Text dimColor>{`  ↑ ${first} more`}</Text> : null}
      {shown.map((choice, offset) => {
        const index = first + offset;
        const focused = index === cursor;
        const number = index < 9 ? `${index + 1}.` : "  ";
        return (
          <Box key={String(choice.value)}>
            <Box flexShrink={0}>
              <Text color={focused ? "cyan" : undefined}>{`${focused ? "❯" : " "} ${number} ${choice.label}`}</Text>
            </Box>
            {/* A long hint wraps inside its own column instead of under the choice numbers. */}
            {focused && choice.hint ? (
              <Box marginLeft={2} flexShrink={1}>
                <Text dimColor>{choice.hint}</Text>
              </Box>
            ) : null}
          </Box>
        );
      })}
      {below > 0 ? <Text dimColor>{`  ↓ ${below} more`}</Text> : null}
    </Box>
  );
}
