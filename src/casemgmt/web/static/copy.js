// Mijn account: the "Kopiëren" button beside a new API token copies its value to the clipboard (issue 17).
// Without JavaScript (or without clipboard access) the value stays selectable in its read-only field.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = button.closest(".new-token")?.querySelector("[data-copy-status]");
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Gekopieerd naar het klembord.";
    } catch {
      if (status) status.textContent = "Kopiëren lukte niet; selecteer het token en kopieer het zelf.";
    }
  });
});
