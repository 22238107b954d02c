-- Argo CD health for MetaChat's kinds (MetaChat, ChatRoom, MoodModel):
-- Degraded=True → Degraded; Ready=True → Healthy; anything else → Progressing,
-- including status not yet written for the latest generation.
local hs = { status = "Progressing", message = "waiting for the operator" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= nil and observed < generation then
  hs.message = "waiting for the operator to observe generation " .. generation
  return hs
end
local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return c.reason
end
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Degraded" and c.status == "True" then
    return { status = "Degraded", message = describe(c) }
  end
end
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then
    if c.status == "True" then
      return { status = "Healthy", message = describe(c) }
    end
    hs.message = describe(c)
  end
end
return hs
